package hast.engine.resource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.control.MetadataInfo;
import hast.api.control.ResourceInfo;
import hast.api.device.HastDevice;
import hast.api.event.HastEvent;
import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;
import hast.api.transport.Transport;
import hast.engine.admin.LocalAdminAccess;
import hast.engine.codec.Codecs;
import hast.engine.config.ConfigParser;
import hast.engine.config.NodeIdentity;
import hast.engine.local.FaultyDisk;
import hast.engine.local.LocalProviders;
import hast.engine.replication.ProtocolRange;
import hast.engine.transport.TcpTransport;
import hast.replication.Async;
import hast.replication.FullSync;
import hast.replication.MemSync;

/**
 * Two engines in one JVM, "alpha" and "beta", sharing one resource r0 over real loopback
 * sockets: each node's disk is a {@link FaultyDisk} (failing, stalling or losing power on
 * command) and each direction of the link goes through a {@link LinkRelay} that a test can cut.
 * What the whole-daemon tests prove in minutes, this proves in seconds.
 *
 * <p>A test holds its pair in an {@code @AutoClose} field (JUnit closes it after the test's own
 * {@code @AfterEach} methods, which may still need it) or in a try-with-resources.
 */
final class EnginePair implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String RESOURCE = "r0";
    static final int EXTENT = 1 << 20;
    static final long SIZE = 16L << 20;

    private static final Transport TCP = new TcpTransport();
    private static final Codecs CODECS = new Codecs();

    final Path conf;
    final Engine alpha;
    final Engine beta;
    /** What alpha connects to to reach beta, and the reverse. */
    final LinkRelay toBeta;
    final LinkRelay toAlpha;
    /** What opens each node's copy, by the kind of its {@code local}. */
    final LocalProviders providers;

    /**
     * @param replication   fullsync, memsync or async
     * @param volatileCache whether the disks keep writes in a cache that a power cut drops
     */
    EnginePair(Path dir, String replication, boolean volatileCache) throws IOException, HastException {
        this(dir, replication, volatileCache, EXTENT);
    }

    /** @param settings further lines of hast.conf's global section (such as {@code on alpha { shared-secret … }}) */
    EnginePair(Path dir, String replication, boolean volatileCache, String... settings)
            throws IOException, HastException {
        this(dir, replication, volatileCache, EXTENT, settings);
    }

    /**
     * @param extent   bytes per extent, {@link #EXTENT} unless a test needs many extents
     * @param settings further lines of hast.conf's global section
     */
    EnginePair(Path dir, String replication, boolean volatileCache, int extent, String... settings)
            throws IOException, HastException {
        this(dir, replication, volatileCache, extent, LocalProviders.filesOnly(),
                node -> dir.resolve(node + ".img").toString(), settings);
    }

    /**
     * A pair whose copies are not files: each node's {@code local} is what {@code local} makes of
     * its name, opened by the factory {@code providers} hold for its kind.
     */
    EnginePair(Path dir, String replication, LocalProviders providers, UnaryOperator<String> local)
            throws IOException, HastException {
        this(dir, replication, false, EXTENT, providers, local);
    }

    private EnginePair(Path dir, String replication, boolean volatileCache, int extent, LocalProviders providers,
            UnaryOperator<String> local, String... settings) throws IOException, HastException {
        this.providers = providers;
        int listenAlpha = freePort();
        int listenBeta = freePort();
        toBeta = new LinkRelay(listenBeta);
        toAlpha = new LinkRelay(listenAlpha);
        alpha = new Engine("alpha", dir.resolve("alpha.img"), listenAlpha, volatileCache);
        beta = new Engine("beta", dir.resolve("beta.img"), listenBeta, volatileCache);
        conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n", String.join("\n", settings),
                "replication " + replication,
                "timeout 1",
                "on alpha { control uds://" + dir.resolve("alpha.ctl") + " listen tcp4://127.0.0.1:" + listenAlpha
                        + " export uds://" + dir.resolve("alpha.nbd") + " }",
                "on beta { control uds://" + dir.resolve("beta.ctl") + " listen tcp4://127.0.0.1:" + listenBeta
                        + " export uds://" + dir.resolve("beta.nbd") + " }",
                "resource " + RESOURCE + " {",
                "  on alpha { local " + local.apply(alpha.name) + " remote tcp4://127.0.0.1:" + toBeta.port() + " }",
                "  on beta { local " + local.apply(beta.name) + " remote tcp4://127.0.0.1:" + toAlpha.port() + " }",
                "}", ""));
        for (Engine e : List.of(alpha, beta)) {
            try (RandomAccessFile f = new RandomAccessFile(e.img.toFile(), "rw")) {
                f.setLength(SIZE + (1 << 20));
            }
            LocalAdminAccess.create(conf, e.name, RESOURCE, extent, 4, providers);
            e.metadata = LocalAdminAccess.dump(conf, e.name, RESOURCE, providers);
            e.boot();
        }
    }

    /** One node: its disk, its engine, and the device it publishes while primary. */
    final class Engine {
        final String name;
        final Path img;
        /** The replication port this node listens on. */
        private final int listen;
        private final boolean volatileCache;
        final List<HastEvent> events = new CopyOnWriteArrayList<>();
        /** This node's whiteboard of replication modes: a test removes one as a stopped bundle would. */
        final ReplicationModes modes = new ReplicationModes();
        private MetadataInfo metadata;
        private volatile FaultyDisk disk;
        private ResourceManager manager;
        private volatile HastDevice device;
        /** The protocol versions this node speaks from its next {@link #boot()}. */
        private volatile ProtocolRange protocols = ProtocolRange.SPOKEN;

        Engine(String name, Path img, int listen, boolean volatileCache) {
            modes.put("fullsync", new FullSync());
            modes.put("memsync", new MemSync());
            modes.put("async", new Async());
            this.listen = listen;
            this.name = name;
            this.img = img;
            this.volatileCache = volatileCache;
        }

        /** Starts the engine on the disk as it is (after a power cut: what was durable), in init. */
        void boot() throws IOException, HastException {
            awaitPortFree(listen);
            ConfigParser parser = new ConfigParser(NodeIdentity.named(name));
            manager = new ResourceManager(parser.parse(conf), () -> parser.parse(conf), (d, props) -> {
                device = d;
                return () -> device = null;
            }, new Replication() {
                @Override
                public Function<HastAddress, Transport> transports() {
                    return a -> a.scheme() == HastAddress.Scheme.UDS ? null : TCP;
                }

                @Override
                public ReplicationModes modes() {
                    return modes;
                }

                @Override
                public Codecs codecs() {
                    return CODECS;
                }

                @Override
                public ProtocolRange protocols() {
                    return protocols;
                }

                @Override
                public LocalProviders localProviders() {
                    return providers;
                }

                @Override
                public LocalProvider open(String local, boolean direct) throws IOException {
                    disk = new FaultyDisk(providers.open(local, new LocalProviderFactory.Options(false, false)),
                            volatileCache);
                    return disk;
                }
            }, events::add);
            manager.listen();
            manager.serve();
        }

        FaultyDisk disk() {
            return disk;
        }

        /**
         * Makes this node a build that speaks {@code versions}, as an older or newer hastd would:
         * the engine stops and boots again with them, in init.
         */
        void speak(ProtocolRange versions) throws IOException, HastException {
            stop();
            protocols = versions;
            boot();
        }

        /** The replication port this node listens on (where {@link LinkRelay} sends the other's connections). */
        int listenPort() {
            return listen;
        }

        /** Bytes of the data area. */
        long datasize() {
            return metadata.datasize();
        }

        /** Where the data area starts on this node's disk (after metadata and activemap). */
        long localoff() {
            return metadata.localoff();
        }

        void role(Role role) throws HastException {
            manager.setRole(RESOURCE, role);
        }

        /** As {@code hastctl role -f}: a promotion of an inconsistent copy goes ahead. */
        void forceRole(Role role) throws HastException {
            manager.setRole(RESOURCE, role, true);
        }

        /** {@code hastctl reload}: this node reads the configuration file again. */
        void reload() throws HastException {
            manager.reload();
        }

        /** {@code hastctl discard}: gives up this node's writes since the split-brain began. */
        String discard() throws HastException {
            return manager.discard(RESOURCE);
        }

        /** {@code hastctl pause}: holds this primary's synchronisation. */
        String pauseSync() throws HastException {
            return manager.pauseSync(RESOURCE);
        }

        /** {@code hastctl resume}. */
        String resumeSync() throws HastException {
            return manager.resumeSync(RESOURCE);
        }

        ResourceInfo info() {
            return manager.resource(RESOURCE).orElseThrow();
        }

        HastDevice device() {
            HastDevice d = device;
            if (d == null) {
                throw new AssertionError(name + " publishes no device: it is not primary");
            }
            return d;
        }

        CompletableFuture<Void> write(long offset, byte[] data, boolean fua) {
            return device().write(offset, ByteBuffer.wrap(data), fua).toCompletableFuture();
        }

        CompletableFuture<Void> flush() {
            return device().flush().toCompletableFuture();
        }

        byte[] read(long offset, int length) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(length);
            device().read(offset, b).toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return b.array();
        }

        /** The whole data area as this node's disk holds it now (its cache included). */
        byte[] data() throws IOException {
            ByteBuffer b = ByteBuffer.allocate((int) metadata.datasize());
            disk.read(b, metadata.localoff());
            return b.array();
        }

        /** The data area as it is durable: what a power cut would leave. */
        byte[] durableData() throws IOException {
            byte[] b = new byte[(int) metadata.datasize()];
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
                f.seek(metadata.localoff());
                f.readFully(b);
            }
            return b;
        }

        /** Metadata as on disk now (counters after the last change). */
        MetadataInfo metadataOnDisk() throws HastException {
            return LocalAdminAccess.dump(conf, name, RESOURCE, providers);
        }

        /**
         * The node loses power: the disk drops its cache and goes dark, then the engine stops as a
         * killed process would leave its peer (its sockets close). Call {@link #boot()} to restart.
         */
        void powerCut() throws IOException {
            disk.powerCut();
            manager.close();
        }

        /** A clean stop, as SIGTERM does. */
        void stop() {
            manager.close();
        }
    }

    /** Makes beta the secondary and alpha the primary, and waits for their first synchronisation. */
    void startInSync() throws Exception {
        beta.role(Role.SECONDARY);
        alpha.role(Role.PRIMARY);
        awaitClean(alpha, beta);
    }

    /** Waits until both nodes agree the pair is complete and the primary has nothing dirty. */
    void awaitClean(Engine primary, Engine secondary) throws InterruptedException {
        await(primary.name + " complete with no dirty extent", () -> clean(primary, secondary));
    }

    /** Whether both nodes say the pair is complete and the primary has nothing dirty or syncing. */
    static boolean clean(Engine primary, Engine secondary) {
        ResourceInfo p = primary.info();
        return "complete".equals(p.status()) && p.dirty() == 0 && p.sync() == null
                && "complete".equals(secondary.info().status());
    }

    /** Waits for a request's answer, failing the test if none comes by the deadline. */
    static void done(CompletableFuture<?> request) throws Exception {
        request.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until it holds, failing with {@code what} at the deadline. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEADLINE, condition);
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@code within}. */
    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within.toMillis() + " ms waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up): a node that loses power closes its
     * listener, and an outgoing connection of the other node must not take the port before it
     * boots again.
     */
    /**
     * After a power cut the node's port was free for a moment, and a test running beside this one
     * (picking from the same range) may hold it briefly: the node boots once it can have it.
     */
    private static void awaitPortFree(int port) throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 100; tries++) {
            int port = 20000 + random.nextInt(12000);
            try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // Another one.
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    @Override
    public void close() throws IOException {
        for (Engine e : List.of(alpha, beta)) {
            if (e.manager != null) {
                e.manager.close();
            }
        }
        toAlpha.close();
        toBeta.close();
    }
}
