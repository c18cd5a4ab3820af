package hast.engine.resource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.event.HastEvent;
import hast.api.metrics.ResourceMeters;
import hast.engine.config.CodecNames;
import hast.engine.config.HastConfig;
import hast.engine.config.ResourceConfig;
import hast.engine.replication.ReplicationListener;

/** This node's resources, in configuration order: the engine behind hastctl. */
public final class ResourceManager implements HastNode {
    private static final Logger LOG = Logger.getLogger(ResourceManager.class.getName());

    private final Source source;
    private final DevicePublisher publisher;
    private final Replication replication;
    private final Consumer<HastEvent> events;
    private final ReplicationListener listener;
    private volatile HastConfig config;
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    /** Told each configuration a reload put in force (the daemon's settings beyond the resources). */
    private volatile Consumer<HastConfig> reloaded = c -> { };

    /** Where the configuration comes from: read again at each reload. */
    @FunctionalInterface
    public interface Source {
        /** The configuration as it is now; its message says what is wrong with it. */
        HastConfig next() throws HastException;
    }

    /**
     * @param config the configuration in force from the start
     * @param source what {@link #reload} reads
     */
    public ResourceManager(HastConfig config, Source source, DevicePublisher publisher, Replication replication,
            Consumer<HastEvent> events) {
        this.listener = new ReplicationListener(new ReplicationListener.Replicas() {
            @Override
            public Optional<ReplicationListener.Replica> named(String name) {
                return replica(name);
            }

            @Override
            public Optional<Duration> handshakeDeadline(InetAddress peer) {
                return ResourceManager.this.handshakeDeadline(peer);
            }

            @Override
            public List<ReplicationListener.Replica> ofRemote(InetAddress peer) {
                return ResourceManager.this.ofRemote(peer);
            }
        }, replication.protocols());
        this.config = config;
        this.source = source;
        this.publisher = publisher;
        this.replication = replication;
        this.events = events;
        for (ResourceConfig rc : config.resources()) {
            resources.put(rc.name(), new Resource(rc, publisher, replication, events));
        }
        // Codec and mode bundles may still be starting (or be dropped in later): a name not known
        // yet is worth a warning only.
        for (String problem : pluginProblems(config)) {
            LOG.warning(() -> problem + "; hastctl status shows what that costs until a bundle provides it.");
        }
        checkLinkTls(config);
        checkLocalProviders(config);
    }

    /**
     * Warns of resources whose {@code local} no factory serves: they stay in init, with the problem
     * shown, until a bundle serves it; the factory is looked up again at each role change.
     */
    private void checkLocalProviders(HastConfig c) {
        for (ResourceConfig rc : c.resources()) {
            String problem = replication.localProviders().problem(rc.local());
            if (problem != null) {
                LOG.warning(() -> "[" + rc.name() + "] " + problem + "; the resource cannot take a role until a bundle"
                        + " provides one.");
            }
        }
    }

    /**
     * Warns of link-tls credentials that cannot serve: the link will not connect until they are
     * fixed (they are read again at each connection, so fixing the files is enough).
     */
    private static void checkLinkTls(HastConfig c) {
        for (ResourceConfig rc : c.resources()) {
            if (rc.tls() != null) {
                try {
                    rc.tls().check();
                } catch (IOException e) {
                    LOG.warning(() -> "[" + rc.name() + "] link-tls: " + e.getMessage()
                            + "; the link cannot connect until this is fixed.");
                }
            }
        }
    }

    /** What in {@code c} names a codec or mode this node does not know, one message per setting. */
    private List<String> pluginProblems(HastConfig c) {
        List<String> problems = new ArrayList<>();
        for (ResourceConfig rc : c.resources()) {
            String compression = CodecNames.COMPRESSION.check(rc.compression(), replication.codecs().compressions());
            String checksum = CodecNames.CHECKSUM.check(rc.checksum(), replication.codecs().checksums());
            String mode = CodecNames.REPLICATION.check(rc.replication(), replication.modes().names());
            for (String p : new String[] {compression, checksum, mode}) {
                if (p != null) {
                    problems.add(c.file() + ": resource " + rc.name() + ": " + p);
                }
            }
        }
        return problems;
    }

    /** Binds the configured {@code listen} addresses; primaries are accepted from {@link #serve} on. */
    public void listen() throws IOException {
        listener.start(config.listen(), replication.transports());
    }

    /** Accepts primaries on the addresses {@link #listen} bound. */
    public void serve() {
        listener.serve();
    }

    private synchronized Optional<ReplicationListener.Replica> replica(String name) {
        return Optional.ofNullable(resources.get(name)).map(Resource::replica);
    }

    /** The longest timeout of the resources whose remote {@code peer} is; empty for a stranger. */
    private Optional<Duration> handshakeDeadline(InetAddress peer) {
        List<ResourceConfig> configs;
        synchronized (this) {
            configs = resources.values().stream().map(Resource::config).toList();
        }
        return configs.stream().filter(c -> ReplicationListener.isRemote(c.remote(), peer))
                .map(c -> Duration.ofSeconds(c.timeout())).max(Duration::compareTo);
    }

    private List<ReplicationListener.Replica> ofRemote(InetAddress peer) {
        List<Resource> all;
        synchronized (this) {
            all = List.copyOf(resources.values());
        }
        return all.stream().filter(r -> ReplicationListener.isRemote(r.config().remote(), peer))
                .map(Resource::replica).toList();
    }

    /** Connections the replication listener refused before reading from them (strangers, limits). */
    public long refusedConnections() {
        return listener.refused();
    }

    @Override
    public Path configPath() {
        return config.file();
    }

    @Override
    public HastAddress controlAddress() {
        return config.control();
    }

    @Override
    public synchronized List<ResourceInfo> resources() {
        List<ResourceInfo> all = new ArrayList<>(resources.size());
        for (Resource r : resources.values()) {
            all.add(r.info());
        }
        return all;
    }

    /** Every resource's meters, in configuration order; a role change under way does not hold it up. */
    public List<ResourceMeters> meters() {
        List<Resource> all;
        synchronized (this) {
            all = List.copyOf(resources.values());
        }
        return all.stream().map(Resource::meters).toList();
    }

    /** Sets who is told of each configuration a reload puts in force. */
    public void onReload(Consumer<HastConfig> listener) {
        reloaded = listener;
    }

    @Override
    public synchronized Optional<ResourceInfo> resource(String name) {
        return Optional.ofNullable(resources.get(name)).map(Resource::info);
    }

    @Override
    public Role setRole(String name, Role role, boolean force) throws HastException {
        return configured(name).setRole(role, force);
    }

    @Override
    public Verification verify(String name, VerifyProgress progress) throws HastException {
        return configured(name).verify(progress);
    }

    @Override
    public String discard(String name) throws HastException {
        return configured(name).discard();
    }

    @Override
    public String pauseSync(String name) throws HastException {
        return configured(name).pauseSync();
    }

    @Override
    public String resumeSync(String name) throws HastException {
        return configured(name).resumeSync();
    }

    private Resource configured(String name) throws HastException {
        Resource r;
        synchronized (this) {
            r = resources.get(name);
        }
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        return r;
    }

    /**
     * Re-reads the configuration: removed resources go to init and are dropped, new ones start in
     * init, changed ones take their new settings (see {@link Resource#reconfigure}).
     *
     * @throws HastException when the file cannot be used (nothing changed), or once it is in force
     *                       when a resource whose role restarted could not take it back (left in init)
     */
    @Override
    public synchronized void reload() throws HastException {
        apply(read(source));
    }

    /**
     * Puts {@code current}'s configuration in force as {@link #reload} does, unless it is the one
     * in force already: a store of settings (Configuration Admin) tells of every change, the
     * changes a reload has just applied included.
     */
    public synchronized void refresh(Source current) throws HastException {
        HastConfig next = read(current);
        if (!next.equals(config)) {
            apply(next);
        }
    }

    private HastConfig read(Source from) throws HastException {
        try {
            HastConfig next = from.next();
            List<String> problems = pluginProblems(next);
            if (!problems.isEmpty()) {
                throw new HastException(Sysexits.EX_CONFIG, String.join("\n", problems));
            }
            return next;
        } catch (HastException e) {
            LOG.log(Level.SEVERE, "Configuration not reloaded: {0}", e.getMessage());
            throw e;
        }
    }

    private void apply(HastConfig next) throws HastException {
        Map<String, Resource> kept = new LinkedHashMap<>();
        List<HastException> unrestarted = new ArrayList<>();
        for (ResourceConfig rc : next.resources()) {
            Resource existing = resources.remove(rc.name());
            if (existing == null) {
                kept.put(rc.name(), new Resource(rc, publisher, replication, events));
            } else {
                try {
                    existing.reconfigure(rc);
                } catch (HastException e) {
                    // Its role could not reopen (e.g. a new local nothing serves): it stays, in init
                    // with its new settings, and the rest of the configuration still applies.
                    unrestarted.add(e);
                }
                kept.put(rc.name(), existing);
            }
        }
        for (Resource gone : resources.values()) {
            gone.setRole(Role.INIT, false);
        }
        resources.clear();
        resources.putAll(kept);
        config = next;
        LOG.info("Configuration reloaded successfully.");
        checkLinkTls(next);
        checkLocalProviders(next);
        resources.values().forEach(Resource::reloaded);
        reloaded.accept(next);
        if (!unrestarted.isEmpty()) {
            String why = "Configuration reloaded, but these resources could not take their roles back and are in init: "
                    + String.join("; ", unrestarted.stream().map(HastException::getMessage).toList());
            LOG.severe(why);
            throw new HastException(unrestarted.get(0).status(), why);
        }
    }

    /** Releases every resource (daemon stop): in-flight I/O finishes, activemaps and metadata are flushed. */
    public synchronized void close() {
        listener.close();
        for (Resource r : resources.values()) {
            r.close();
        }
    }
}
