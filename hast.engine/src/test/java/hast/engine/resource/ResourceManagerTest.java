package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import hast.api.HastException;
import hast.api.Role;
import hast.api.control.ResourceInfo;
import hast.api.device.HastDevice;
import hast.api.event.HastEvent;
import hast.engine.admin.LocalAdminAccess;
import hast.engine.codec.Codecs;
import hast.engine.config.ConfigParser;
import hast.engine.config.HastConfig;
import hast.engine.config.NodeIdentity;
import hast.engine.local.FileProvider;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles over real provider files, with the device publication observed directly. */
class ResourceManagerTest {
    private final Codecs codecs = new Codecs();
    @TempDir
    Path dir;
    private Path conf;
    private final List<HastDevice> published = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> properties = new ArrayList<>();
    private final List<HastEvent> events = new CopyOnWriteArrayList<>();
    private ResourceManager manager;

    @BeforeEach
    void setUp() throws Exception {
        conf = dir.resolve("hast.conf");
        Files.writeString(conf, config("r0", "r1"));
        for (String r : List.of("r0", "r1")) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(r + ".img").toFile(), "rw")) {
                f.setLength(16 << 20);
            }
            LocalAdminAccess.create(conf, r, 1 << 20, 4);
        }
        ReplicationModes modes = new ReplicationModes();
        for (String mode : List.of("fullsync", "memsync", "async")) {
            modes.put(mode, new hast.replication.FullSync());
        }
        ConfigParser parser = new ConfigParser(NodeIdentity.named("n"));
        manager = new ResourceManager(parser.parse(conf), () -> parser.parse(conf), (device, props) -> {
            published.add(device);
            properties.add(props);
            return () -> published.remove(device);
        }, new Replication() {
            @Override
            public java.util.function.Function<hast.api.HastAddress, hast.api.transport.Transport> transports() {
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
        }, events::add);
    }

    private String config(String... resources) {
        StringBuilder s = new StringBuilder("control uds://" + dir.resolve("ctl") + "\nexport uds://" + dir.resolve("nbd") + "\n");
        for (String r : resources) {
            s.append("resource ").append(r).append(" { on n { local ").append(dir.resolve(r + ".img")).append(" remote none } }\n");
        }
        return s.toString();
    }

    @Test
    void primaryPublishesADeviceWhoseWritesLandAfterTheMetadataAndStayDirty() throws Exception {
        assertEquals(Role.INIT, manager.setRole("r0", Role.PRIMARY));
        assertEquals(1, published.size());
        assertEquals(Map.of(HastDevice.NAME, "r0", HastDevice.RESOURCE, "r0", HastDevice.EXPORT,
                "uds://" + dir.resolve("nbd")), properties.get(0));
        HastDevice device = published.get(0);
        byte[] data = new byte[4096];
        java.util.Arrays.fill(data, (byte) 0x3c);
        device.write(3 << 20, ByteBuffer.wrap(data), true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(4096);
        device.read(3 << 20, back).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertArrayEquals(data, back.array());

        ResourceInfo info = manager.resource("r0").orElseThrow();
        assertEquals("degraded", info.status());
        assertEquals(1 << 20, info.dirty(), "no secondary confirmed the write: its extent stays dirty");
        assertEquals(1, info.statistics().writes());
        assertTrue(info.statistics().activemapUpdates() >= 1);

        manager.setRole("r0", Role.INIT);
        assertTrue(published.isEmpty());
        long localoff = LocalAdminAccess.dump(conf, "r0").localoff();
        byte[] onDisk = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("r0.img").toFile(), "r")) {
            f.seek(localoff + (3 << 20));
            f.readFully(onDisk);
            f.seek(4096);
            assertEquals(1 << 3, f.read(), "extent 3 is marked in the on-disk activemap");
        }
        assertArrayEquals(data, onDisk);
        FileProvider.open(dir.resolve("r0.img"), false).close();
        assertEquals(List.of("role:r0:[init, primary]", "role:r0:[primary, init]"),
                events.stream().map(e -> e.type() + ":" + e.resource() + ":" + e.details()).toList());
    }

    @Test
    void eventsCarryTheResourcesExecProgramAndAReloadRaisesReloadWithTheNewOneForEachResource() throws Exception {
        manager.setRole("r0", Role.PRIMARY);
        Files.writeString(conf, "exec /hooks/global\n"
                + config("r0", "r1").replace("resource r1 {", "resource r1 { exec /hooks/r1"));
        manager.reload();
        manager.setRole("r0", Role.INIT);
        manager.setRole("r1", Role.SECONDARY);
        assertEquals(List.of("r0:role:", "r0:reload:/hooks/global", "r1:reload:/hooks/r1", "r0:role:/hooks/global",
                "r1:role:/hooks/r1"),
                events.stream().map(e -> e.resource() + ":" + e.type() + ":" + e.exec()).toList());
    }

    @Test
    void aPrimaryRestartKeepsCrashLeftoversDirty() throws Exception {
        manager.setRole("r1", Role.PRIMARY);
        published.get(0).write(0, ByteBuffer.allocate(512), false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        manager.setRole("r1", Role.INIT);
        manager.setRole("r1", Role.PRIMARY);
        assertEquals(1 << 20, manager.resource("r1").orElseThrow().dirty());
    }

    @Test
    void requestsOutsideTheDeviceAreRefused() throws Exception {
        manager.setRole("r0", Role.PRIMARY);
        HastDevice device = published.get(0);
        assertThrows(IllegalArgumentException.class, () -> device.read(device.size(), ByteBuffer.allocate(512)));
        assertThrows(IllegalArgumentException.class, () -> device.trim(-512, 512));
    }

    @Test
    void aRoleThatCannotStartLeavesTheResourceInInitWithTheReason() throws Exception {
        Files.delete(dir.resolve("r1.img"));
        HastException e = assertThrows(HastException.class, () -> manager.setRole("r1", Role.SECONDARY));
        assertTrue(e.getMessage().contains("r1.img"), e.getMessage());
        assertEquals(Role.INIT, manager.resource("r1").orElseThrow().role());
        assertThrows(HastException.class, () -> manager.setRole("ghost", Role.PRIMARY));
    }

    @Test
    void aSecondaryHoldsItsProviderLocked() throws Exception {
        manager.setRole("r0", Role.SECONDARY);
        assertThrows(java.io.IOException.class, () -> FileProvider.open(dir.resolve("r0.img"), false));
        assertNull(manager.resource("r0").orElseThrow().exportaddr());
        manager.close();
        FileProvider.open(dir.resolve("r0.img"), false).close();
    }

    @Test
    void defect6AReloadedReplicationModeAppliesWithoutRestartingTheRole() throws Exception {
        manager.setRole("r0", Role.PRIMARY);
        HastDevice device = published.get(0);
        Files.writeString(conf, config("r0", "r1").replace("resource r0 {", "resource r0 { replication async"));
        manager.reload();
        assertEquals("async", manager.resource("r0").orElseThrow().replication());
        assertEquals(List.of(device), published, "the same device: no restart, no reconnect");
    }

    @Test
    void aReloadNamingACodecNoBundleProvidesIsRefusedAndOneThatArrivesIsTaken() throws Exception {
        manager.setRole("r0", Role.PRIMARY);
        Files.writeString(conf, config("r0", "r1").replace("resource r0 {", "resource r0 { compression deflate"));
        HastException e = assertThrows(HastException.class, manager::reload);
        assertEquals(78, e.status());
        assertEquals(conf + ": resource r0: Unknown compression 'deflate' (known here: hole, lzf, none)", e.getMessage());
        assertEquals("hole", manager.resource("r0").orElseThrow().compression(), "the running configuration stays");
        // A third-party bundle registers the name: the same file now loads, without a restart.
        codecs.addCompressor("deflate", new hast.api.codec.Compressor() {
            @Override
            public java.nio.ByteBuffer compress(java.nio.ByteBuffer src) {
                return null;
            }

            @Override
            public java.nio.ByteBuffer decompress(java.nio.ByteBuffer src, int originalLength) {
                return src;
            }
        });
        manager.reload();
        assertEquals("deflate", manager.resource("r0").orElseThrow().compression());
        assertEquals(1, published.size(), "the primary kept its device: codecs change without a restart");
    }

    @Test
    void theReferencesCodecNamesAreTakenEvenWhileTheirBundlesAreAway() throws Exception {
        Files.writeString(conf, config("r0", "r1").replace("resource r0 {", "resource r0 { compression lzf checksum sha256"));
        manager.reload();
        assertEquals("sha256", manager.resource("r0").orElseThrow().checksum());
    }

    /** Configuration Admin tells of every change, a reload's own included: only a real change is applied. */
    @Test
    void refreshAppliesAChangedConfigurationAndLeavesTheOneInForceAlone() throws Exception {
        List<HastConfig> applied = new ArrayList<>();
        manager.onReload(applied::add);
        ConfigParser parser = new ConfigParser(NodeIdentity.named("n"));
        manager.refresh(() -> parser.parse(conf));
        assertEquals(List.of(), applied, "the configuration in force: nothing to do");
        Files.writeString(conf, config("r0"));
        manager.refresh(() -> parser.parse(conf));
        assertEquals(1, applied.size());
        assertEquals(List.of("r0"), manager.resources().stream().map(ResourceInfo::name).toList());
        manager.reload();
        assertEquals(2, applied.size(), "a reload applies even what is in force, as hastctl reload always has");
    }

    @Test
    void reloadDropsRemovedResourcesAndKeepsTheRunningConfigurationOnErrors() throws Exception {
        manager.setRole("r1", Role.PRIMARY);
        Files.writeString(conf, config("r0"));
        manager.reload();
        assertEquals(List.of("r0"), manager.resources().stream().map(ResourceInfo::name).toList());
        assertTrue(published.isEmpty(), "the removed resource went to init");
        Files.writeString(conf, "timeout -1\n");
        assertThrows(HastException.class, manager::reload);
        assertEquals(List.of("r0"), manager.resources().stream().map(ResourceInfo::name).toList());
    }
}
