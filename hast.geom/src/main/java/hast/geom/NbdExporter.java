package hast.geom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.api.tls.TlsCredentials;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Exports every {@link HastDevice} over NBD at its export address (whiteboard). Devices sharing
 * an address share one server, and must share its protection (TLS or not); a server listens
 * while it has a device and a transport for its scheme, in whatever order they arrive. A plain
 * TCP export needs the device's explicit {@link HastDevice#EXPORT_INSECURE}, and is logged as
 * open at warning level. Unbinding a device drains its clients before returning,
 * so a role change never cuts off a request the device has accepted.
 *
 * <p>Draining happens outside the component's lock, so one device's withdrawal does not hold
 * up the arrival or departure of another.
 */
@Component(immediate = true)
public final class NbdExporter {
    private static final Logger LOG = Logger.getLogger(NbdExporter.class.getName());

    /** A bound device, exported or waiting for a transport (or for its name to become free). */
    private record Device(HastDevice device, String name, String description, HastAddress address,
            ExportProtection protection) {
    }

    private final ExportLimits limits;
    private final Map<HastDevice, Device> devices = new LinkedHashMap<>();
    private final Map<Transport, List<String>> transports = new LinkedHashMap<>();
    private final Map<HastAddress, NbdServer> servers = new HashMap<>();
    private boolean deactivated;

    public NbdExporter() {
        this(ExportLimits.DEFAULT);
    }

    /** With other limits, for tests that exercise them. */
    NbdExporter(ExportLimits limits) {
        this.limits = limits;
    }

    /** Connections refused before their first byte was read, on every address served now. */
    synchronized long refused() {
        return servers.values().stream().mapToLong(NbdServer::refused).sum();
    }

    /** Bytes of direct payload buffers the exports offered now hold, idle or in use. */
    synchronized long payloadBufferBytes() {
        return servers.values().stream().flatMap(s -> s.all().stream()).mapToLong(e -> e.buffers().allocated()).sum();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTransport(Transport transport, Map<String, Object> properties) {
        List<String> schemes = schemes(properties.get(Transport.SCHEME));
        synchronized (this) {
            transports.put(transport, schemes);
            exportWaiting();
        }
    }

    void unbindTransport(Transport transport) {
        List<NbdServer> retired = new ArrayList<>();
        synchronized (this) {
            transports.remove(transport);
            for (var it = servers.values().iterator(); it.hasNext(); ) {
                NbdServer s = it.next();
                if (s.transport() == transport) {
                    it.remove();
                    s.stopListening();
                    retired.add(s);
                }
            }
            // Another transport for the same scheme, if any, takes the devices over.
            exportWaiting();
        }
        retired.forEach(NbdServer::close);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDevice(HastDevice device, Map<String, Object> properties) {
        Object name = properties.get(HastDevice.NAME);
        Object export = properties.get(HastDevice.EXPORT);
        if (!(name instanceof String n) || !(export instanceof String text)) {
            LOG.warning(() -> "A HastDevice without the " + HastDevice.NAME + " and " + HastDevice.EXPORT
                    + " properties cannot be exported: " + properties);
            return;
        }
        HastAddress address;
        try {
            address = HastAddress.parse(text);
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "Device '" + n + "' is not exported: " + e.getMessage());
            return;
        }
        ExportProtection protection;
        try {
            protection = ExportProtection.of(properties);
        } catch (IllegalArgumentException e) {
            LOG.severe(() -> "Device '" + n + "' is not exported: " + e.getMessage() + ".");
            return;
        }
        String refusal = protection.refusal(address);
        if (refusal != null) {
            LOG.severe(() -> "Device '" + n + "' is not exported: " + refusal + ".");
            return;
        }
        Object resource = properties.get(HastDevice.RESOURCE);
        String description = resource instanceof String r ? "HAST resource " + r : "";
        synchronized (this) {
            devices.put(device, new Device(device, n, description, address, protection));
            exportWaiting();
            NbdServer server = servers.get(address);
            Export holder = server == null ? null : server.offered(n);
            if (holder != null && holder.device() != device) {
                LOG.warning(() -> "Device '" + n + "' waits: another device is already exported as '" + n + "' on "
                        + address + ".");
            } else if (server != null && !server.protection().equals(protection)) {
                LOG.warning(() -> "Device '" + n + "' waits: the exports on " + address + " are protected otherwise ("
                        + server.protection() + ", not " + protection + ").");
            }
        }
    }

    void unbindDevice(HastDevice device) {
        NbdServer server;
        Export withdrawn;
        boolean retire;
        synchronized (this) {
            Device d = devices.remove(device);
            server = d == null ? null : servers.get(d.address());
            if (server == null) {
                return;
            }
            withdrawn = server.take(d.name(), device);
            retire = server.isEmpty();
            if (retire) {
                // The listener goes at once; clients already connected are drained below.
                servers.remove(d.address());
                server.stopListening();
            }
            exportWaiting();
        }
        if (withdrawn != null) {
            server.drain(withdrawn);
        }
        if (retire) {
            server.close();
        }
    }

    @Deactivate
    void deactivate() {
        Collection<NbdServer> retired;
        synchronized (this) {
            deactivated = true;
            retired = List.copyOf(servers.values());
            servers.clear();
            retired.forEach(NbdServer::stopListening);
        }
        retired.forEach(NbdServer::close);
    }

    /** Offers every device that is not offered yet and can be: its address has a transport and its name is free. */
    private void exportWaiting() {
        if (deactivated) {
            return;
        }
        for (Device d : devices.values()) {
            NbdServer server = servers.get(d.address());
            if (server == null) {
                server = open(d);
                if (server == null) {
                    continue;
                }
            }
            if (server.offered(d.name()) == null && server.protection().equals(d.protection())) {
                server.offer(new Export(d.name(), d.description(), d.device()));
                LOG.info(() -> "Exporting '" + d.name() + "' on " + d.address() + ".");
            }
        }
    }

    /** Starts a server at the device's address, or returns {@code null} when there is no transport or it fails. */
    private NbdServer open(Device d) {
        String scheme = d.address().scheme().label();
        Transport transport = transports.entrySet().stream().filter(t -> t.getValue().contains(scheme))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (transport == null) {
            return null;
        }
        NbdServer server;
        try {
            ExportProtection protection = d.protection();
            TlsCredentials tls = protection.tls() == null ? null
                    : TlsCredentials.load(protection.tls(), TlsCredentials.Side.SERVER, protection.verifyClients());
            server = new NbdServer(transport.listen(d.address()), transport, protection, tls, limits);
            if (protection.plainTcp(d.address())) {
                LOG.warning(() -> "NBD export on " + d.address() + " is plain TCP (export-insecure): anyone who can"
                        + " reach that address can read and write the disks exported there.");
            }
        } catch (IOException e) {
            LOG.severe(() -> "Unable to export '" + d.name() + "' on " + d.address() + ": " + e.getMessage());
            return null;
        }
        servers.put(d.address(), server);
        server.start();
        return server;
    }

    private List<String> schemes(Object property) {
        if (property instanceof String s) {
            return List.of(s);
        }
        if (property instanceof String[] a) {
            return List.of(a);
        }
        if (property instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
