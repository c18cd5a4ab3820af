package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.engine.admin.LocalAdminAccess;
import hast.engine.codec.Codecs;
import hast.engine.config.ConfigParser;
import hast.engine.config.NodeIdentity;
import hast.engine.local.LocalProviders;
import hast.engine.local.MemoryDisks;
import hast.replication.FullSync;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's local provider, chosen by the kind of hast.conf's {@code local}: it holds both
 * copies of a replicated pair; a resource whose kind no factory serves stays in init with the
 * problem shown while the others serve, and takes its role once a factory arrives; a provider
 * stays with its resource when its factory leaves.
 */
class LocalProviderPluginTest {
    private static final String NO_MEMORY_PROVIDER =
            "no local provider serves mem:beta (kind mem): no LocalProviderFactory of that kind is registered";

    @TempDir
    Path dir;
    private final MemoryDisks memory = new MemoryDisks((int) (EnginePair.SIZE + (1 << 20)));
    private final LocalProviders providers = LocalProviders.filesOnly();
    private ResourceManager manager;

    @AfterEach
    void tearDown() throws Exception {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void aPairReplicatesOnTheProviderItsLocalNames() throws Exception {
        providers.add(memory, MemoryDisks.PROPERTIES);
        try (EnginePair pair = new EnginePair(dir, "fullsync", providers, node -> "mem:" + node)) {
            pair.startInSync();
            byte[] data = new byte[64 * 1024];
            Arrays.fill(data, (byte) 0x5a);
            EnginePair.done(pair.alpha.write(3L * EnginePair.EXTENT, data, true));
            pair.awaitClean(pair.alpha, pair.beta);

            assertEquals("mem:alpha", pair.alpha.info().localpath());
            assertArrayEquals(data, onDisk("mem:alpha", pair.alpha, 3L * EnginePair.EXTENT, data.length));
            assertArrayEquals(data, onDisk("mem:beta", pair.beta, 3L * EnginePair.EXTENT, data.length),
                    "the secondary's copy is in its memory disk");
            assertArrayEquals(new byte[data.length],
                    fileBytes(pair.beta.img, pair.beta.localoff() + 3L * EnginePair.EXTENT, data.length), "no file holds it");
        }
    }

    @Test
    void aLocalNoFactoryServesKeepsItsResourceInInitWithTheProblemUntilOneArrives() throws Exception {
        providers.add(memory, MemoryDisks.PROPERTIES);
        try (EnginePair pair = new EnginePair(dir, "fullsync", providers, node -> "mem:" + node)) {
            providers.remove(memory);

            HastException refused = assertThrows(HastException.class, () -> pair.beta.role(Role.SECONDARY));
            assertEquals("[r0] Unable to open local provider: " + NO_MEMORY_PROVIDER, refused.getMessage());
            assertEquals(Role.INIT, pair.beta.info().role());
            assertEquals(NO_MEMORY_PROVIDER, pair.beta.info().problem());

            // The bundle arrives: the next role change opens with it.
            providers.add(memory, MemoryDisks.PROPERTIES);
            assertNull(pair.beta.info().problem());
            pair.startInSync();
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x17);
            EnginePair.done(pair.alpha.write(0, data, true));
            pair.awaitClean(pair.alpha, pair.beta);
            assertArrayEquals(data, onDisk("mem:beta", pair.beta, 0, data.length));
        }
    }

    @Test
    void anOpenProviderServesOnAfterItsFactoryLeavesAndTheNextRoleNeedsAnother() throws Exception {
        providers.add(memory, MemoryDisks.PROPERTIES);
        try (EnginePair pair = new EnginePair(dir, "fullsync", providers, node -> "mem:" + node)) {
            pair.startInSync();
            providers.remove(memory);

            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x2b);
            EnginePair.done(pair.alpha.write(EnginePair.EXTENT, data, true));
            pair.awaitClean(pair.alpha, pair.beta);
            assertArrayEquals(data, onDisk("mem:beta", pair.beta, EnginePair.EXTENT, data.length));
            assertNull(pair.beta.info().problem(), "a resource holding its provider has no problem with it");

            pair.beta.role(Role.INIT);
            assertEquals(NO_MEMORY_PROVIDER, assertThrows(HastException.class, () -> pair.beta.role(Role.SECONDARY))
                    .getMessage().replace("[r0] Unable to open local provider: ", ""));
        }
    }

    @Test
    void theOtherResourcesServeWhileOneWaitsForItsProvider() throws Exception {
        Path conf = dir.resolve("hast.conf");
        Files.writeString(conf, "control uds://" + dir.resolve("ctl") + "\nexport uds://" + dir.resolve("nbd") + "\n"
                + "resource files { on n { local " + dir.resolve("files.img") + " remote none } }\n"
                + "resource memory { on n { local mem:n remote none } }\n");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("files.img").toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        LocalAdminAccess.create(conf, "n", "files", 1 << 20, 4, providers);
        HastException create = assertThrows(HastException.class,
                () -> LocalAdminAccess.create(conf, "n", "memory", 1 << 20, 4, providers));
        assertEquals("Unable to open mem:n of resource memory: no local provider serves mem:n (kind mem): no"
                + " LocalProviderFactory of that kind is registered", create.getMessage());
        List<HastDevice> published = new CopyOnWriteArrayList<>();
        ConfigParser parser = new ConfigParser(NodeIdentity.named("n"));
        manager = new ResourceManager(parser.parse(conf), () -> parser.parse(conf), (device, props) -> {
            published.add(device);
            return () -> published.remove(device);
        }, replication(), event -> { });

        assertThrows(HastException.class, () -> manager.setRole("memory", Role.PRIMARY));
        manager.setRole("files", Role.PRIMARY);
        published.get(0).write(0, ByteBuffer.allocate(512), true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Role.PRIMARY, manager.resource("files").orElseThrow().role());
        assertNull(manager.resource("files").orElseThrow().problem());
        assertEquals("no local provider serves mem:n (kind mem): no LocalProviderFactory of that kind is registered",
                manager.resource("memory").orElseThrow().problem());

        providers.add(memory, MemoryDisks.PROPERTIES);
        LocalAdminAccess.create(conf, "n", "memory", 1 << 20, 4, providers);
        manager.setRole("memory", Role.PRIMARY);
        assertEquals(Role.PRIMARY, manager.resource("memory").orElseThrow().role());
        assertEquals(2, published.size());
    }

    @Test
    void aReloadMovingAPrimaryToALocalNoFactoryServesLeavesItInInitWithTheProblemAndAppliesTheRest() throws Exception {
        Path conf = dir.resolve("hast.conf");
        String head = "control uds://" + dir.resolve("ctl") + "\nexport uds://" + dir.resolve("nbd") + "\n";
        Files.writeString(conf, head
                + "resource moved { on n { local " + dir.resolve("moved.img") + " remote none } }\n"
                + "resource kept { on n { local " + dir.resolve("kept.img") + " remote none } }\n");
        for (String r : List.of("moved", "kept")) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(r + ".img").toFile(), "rw")) {
                f.setLength(16 << 20);
            }
            LocalAdminAccess.create(conf, "n", r, 1 << 20, 4, providers);
        }
        ConfigParser parser = new ConfigParser(NodeIdentity.named("n"));
        manager = new ResourceManager(parser.parse(conf), () -> parser.parse(conf), (device, props) -> () -> { }, replication(),
                event -> { });
        manager.setRole("moved", Role.PRIMARY);
        manager.setRole("kept", Role.PRIMARY);

        Files.writeString(conf, head + "exec /hooks/new\n"
                + "resource moved { on n { local mem:n remote none } }\n"
                + "resource kept { on n { local " + dir.resolve("kept.img") + " remote none } }\n"
                + "resource added { on n { local " + dir.resolve("added.img") + " remote none } }\n");
        HastException reload = assertThrows(HastException.class, () -> manager.reload());
        assertEquals("Configuration reloaded, but these resources could not take their roles back and are in init:"
                + " [moved] Unable to open local provider: no local provider serves mem:n (kind mem): no"
                + " LocalProviderFactory of that kind is registered", reload.getMessage());

        assertEquals(List.of("moved", "kept", "added"), manager.resources().stream().map(r -> r.name()).toList(),
                "every resource of the new configuration is there");
        assertEquals(Role.INIT, manager.resource("moved").orElseThrow().role());
        assertEquals("no local provider serves mem:n (kind mem): no LocalProviderFactory of that kind is registered",
                manager.resource("moved").orElseThrow().problem());
        assertEquals(Role.PRIMARY, manager.resource("kept").orElseThrow().role());
    }

    private Replication replication() {
        Codecs codecs = new Codecs();
        ReplicationModes modes = new ReplicationModes();
        for (String mode : List.of("fullsync", "memsync", "async")) {
            modes.put(mode, new FullSync());
        }
        return new Replication() {
            @Override
            public Function<HastAddress, Transport> transports() {
                return a -> null;
            }

            @Override
            public ReplicationModes modes() {
                return modes;
            }

            @Override
            public Codecs codecs() {
                return codecs;
            }

            @Override
            public LocalProviders localProviders() {
                return providers;
            }
        };
    }

    /** {@code length} bytes at {@code offset} of the data area of {@code node}'s memory disk. */
    private byte[] onDisk(String local, EnginePair.Engine node, long offset, int length) {
        int from = (int) (node.localoff() + offset);
        return Arrays.copyOfRange(memory.bytes(local), from, from + length);
    }

    private static byte[] fileBytes(Path file, long offset, int length) throws Exception {
        byte[] b = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            f.readFully(b);
        }
        return b;
    }
}
