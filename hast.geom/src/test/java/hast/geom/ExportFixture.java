package hast.geom;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.engine.transport.TcpTransport;

/** An exporter with the engine's TCP transport, serving devices on a free loopback port. */
final class ExportFixture implements AutoCloseable {
    static final Map<String, Object> TCP_SCHEMES = Map.of(Transport.SCHEME, new String[] {"tcp", "tcp4", "tcp6"});

    final NbdExporter exporter;
    final TcpTransport tcp = new TcpTransport();
    final int port;

    ExportFixture() throws IOException {
        this(new NbdExporter());
    }

    ExportFixture(NbdExporter exporter) throws IOException {
        this.exporter = exporter;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
    }

    /** An exporter whose negotiation and drain limits are short enough to test. */
    ExportFixture(Duration handshakeTimeout, Duration drainTimeout) throws IOException {
        this(ExportLimits.DEFAULT.withTimes(handshakeTimeout, ExportLimits.DEFAULT.write(), drainTimeout));
    }

    /** An exporter with {@code limits}. */
    ExportFixture(ExportLimits limits) throws IOException {
        this(new NbdExporter(limits));
    }

    String address() {
        return "tcp://127.0.0.1:" + port;
    }

    ExportFixture withTransport() {
        exporter.bindTransport(tcp, TCP_SCHEMES);
        return this;
    }

    /** Exports {@code device} as plain TCP, which the exporter allows only when asked explicitly. */
    ExportFixture export(HastDevice device, String name) {
        return export(device, name, Map.of(HastDevice.EXPORT_INSECURE, true));
    }

    /** Exports {@code device} with {@code protection}'s properties (TLS, or the insecure opt-in). */
    ExportFixture export(HastDevice device, String name, Map<String, Object> protection) {
        Map<String, Object> properties = new HashMap<>(protection);
        properties.putAll(Map.of(HastDevice.NAME, name, HastDevice.EXPORT, address(), HastDevice.RESOURCE, "r-" + name));
        exporter.bindDevice(device, properties);
        return this;
    }

    NbdClient client() throws IOException {
        return new NbdClient(port);
    }

    @Override
    public void close() {
        exporter.deactivate();
    }
}
