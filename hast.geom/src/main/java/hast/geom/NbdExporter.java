package hast.geom;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.device.HastDevice;
import hast.api.transport.Transport;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Exports every {@link HastDevice} over NBD at its export address (whiteboard). Devices sharing
 * an address share one server; a server listens while it has a device and a transport for its
 * scheme, in whatever order they arrive. Unbinding a device drains its clients before returning,
 * so a role change never cuts an acknowledged request.
 */
@Component(immediate = true)
public final class NbdExporter {
    private static final Logger LOG = Logger.getLogger(NbdExporter.class.getName());

    /** A device waiting for, or served by, a server. */
    private record Entry(String name, HastAddress address, HastDevice device) {
    }

    private final Map<HastDevice, Entry> devices = new HashMap<>();
    private final Map<String, Transport> transports = new HashMap<>();
    private final Map<HastAddress, NbdServer> servers = new HashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindTransport(Transport transport, Map<String, Object> properties) {
        for (String scheme : schemes(properties.get(Transport.SCHEME))) {
            transports.putIfAbsent(scheme, transport);
        }
        for (Entry e : List.copyOf(devices.values())) {
            serve(e);
        }
    }

    synchronized void unbindTransport(Transport transport, Map<String, Object> properties) {
        transports.values().removeIf(t -> t == transport);
        for (HastAddress address : List.copyOf(servers.keySet())) {
            if (!transports.containsKey(address.scheme().label())) {
                servers.remove(address).close();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindDevice(HastDevice device, Map<String, Object> properties) {
        Object name = properties.get(HastDevice.NAME);
        Object export = properties.get(HastDevice.EXPORT);
        if (!(name instanceof String n) || !(export instanceof String a)) {
            LOG.warning(() -> "A HastDevice without " + HastDevice.NAME + " or " + HastDevice.EXPORT + " is not exported.");
            return;
        }
        Entry e = new Entry(n, HastAddress.parse(a), device);
        devices.put(device, e);
        serve(e);
    }

    synchronized void unbindDevice(HastDevice device) {
        Entry e = devices.remove(device);
        if (e == null) {
            return;
        }
        NbdServer server = servers.get(e.address());
        if (server != null && server.remove(e.name())) {
            servers.remove(e.address()).close();
        }
        LOG.info(() -> "Export " + e.name() + " at " + e.address() + " closed.");
    }

    private void serve(Entry e) {
        NbdServer server = servers.get(e.address());
        if (server == null) {
            Transport transport = transports.get(e.address().scheme().label());
            if (transport == null) {
                return;
            }
            try {
                server = new NbdServer(transport.listen(e.address()));
            } catch (IOException ex) {
                LOG.severe(() -> "Unable to export " + e.name() + ": " + ex.getMessage());
                return;
            }
            servers.put(e.address(), server);
            server.start();
        }
        if (server.find(e.name()) == null || server.find(e.name()).device() != e.device()) {
            server.add(new Export(e.name(), e.device()));
        }
    }

    @Deactivate
    synchronized void deactivate() {
        for (NbdServer s : servers.values()) {
            s.close();
        }
        servers.clear();
    }

    private static List<String> schemes(Object property) {
        if (property instanceof String s) {
            return List.of(s);
        }
        if (property instanceof String[] a) {
            return List.of(a);
        }
        return List.of();
    }
}
