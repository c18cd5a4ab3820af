package hast.engine.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.codec.Checksum;
import hast.api.codec.Compressor;
import hast.api.replication.ReplicationMode;
import hast.api.storage.LocalProviderFactory;
import hast.api.transport.Transport;
import hast.engine.codec.Codecs;
import hast.engine.local.LocalProviders;
import hast.engine.resource.Replication;
import hast.engine.resource.ReplicationModes;

/** Transports, replication modes, codecs and local provider factories as they come and go on the whiteboard. */
final class Plugins implements Replication {
    private static final Logger LOG = Logger.getLogger(Plugins.class.getName());

    private final Map<String, Transport> transports = new ConcurrentHashMap<>();
    private final ReplicationModes modes = new ReplicationModes();
    private final Codecs codecs = new Codecs();
    private final LocalProviders localProviders = new LocalProviders();

    void addTransport(Transport t, Map<String, Object> properties) {
        for (String scheme : strings(properties.get(Transport.SCHEME))) {
            transports.put(scheme, t);
        }
    }

    void removeTransport(Transport t) {
        transports.values().removeIf(x -> x == t);
    }

    void addMode(ReplicationMode m, Map<String, Object> properties) {
        for (String name : strings(properties.get(ReplicationMode.NAME))) {
            modes.put(name, m);
            LOG.fine(() -> "Replication mode " + name + " is available.");
        }
    }

    void removeMode(ReplicationMode m) {
        modes.removeAll(m);
    }

    void addCompressor(Compressor c, Map<String, Object> properties) {
        for (String name : strings(properties.get(Compressor.NAME))) {
            codecs.addCompressor(name, c);
            LOG.fine(() -> "Compression " + name + " is available.");
        }
    }

    void removeCompressor(Compressor c) {
        codecs.removeCompressor(c);
    }

    void addChecksum(Checksum c, Map<String, Object> properties) {
        for (String name : strings(properties.get(Checksum.NAME))) {
            codecs.addChecksum(name, c);
            LOG.fine(() -> "Checksum " + name + " is available.");
        }
    }

    void removeChecksum(Checksum c) {
        codecs.removeChecksum(c);
    }

    void addLocalProviderFactory(LocalProviderFactory f, Map<String, Object> properties) {
        localProviders.add(f, properties);
    }

    void removeLocalProviderFactory(LocalProviderFactory f) {
        localProviders.remove(f);
    }

    @Override
    public LocalProviders localProviders() {
        return localProviders;
    }

    @Override
    public Codecs codecs() {
        return codecs;
    }

    @Override
    public Function<HastAddress, Transport> transports() {
        return address -> transports.get(address.scheme().label());
    }

    @Override
    public ReplicationModes modes() {
        return modes;
    }

    private static String[] strings(Object value) {
        if (value instanceof String s) {
            return new String[] {s};
        }
        return value instanceof String[] a ? a : new String[0];
    }
}
