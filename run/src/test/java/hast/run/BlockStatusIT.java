package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block status on a real pair's export: sparse-aware clients (nbdinfo --map, qemu-img map,
 * nbdcopy) see the holes of the primary's file and skip them, and a primary whose copy is behind
 * the secondary's reports data, never a hole, where only the secondary holds the data yet.
 */
class BlockStatusIT {
    private static final int MIB = 1 << 20;
    /** Metadata and the activemap of 64 extents of 1 MiB: where the data begins in a provider. */
    private static final int LOCALOFF = 4096 + 4096;

    @TempDir
    Path dir;
    private PairConf pair;
    private Node alpha;
    private Node beta;

    @BeforeEach
    void start() throws Exception {
        pair = new PairConf(dir);
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), pair.listenBeta,
                "replication fullsync", "timeout 5", "syncrate unlimited");
        alpha = new Node("alpha", dir, conf);
        beta = new Node("beta", dir, conf);
        for (Node n : List.of(alpha, beta)) {
            Node.disk(dir.resolve(n.name + ".img"), 64 * MIB);
            n.ctl("create", "-e", "1M", "r0").expect(0);
            n.start();
        }
        alpha.ctl("role", "primary", "r0").expect(0);
        beta.ctl("role", "secondary", "r0").expect(0);
        awaitInSync();
    }

    @AfterEach
    void stop() throws Exception {
        alpha.close();
        beta.close();
    }

    @Test
    void clientsMapTheHolesOfASparseResourceAndCopyItWithoutReadingThem() throws Exception {
        alpha.qemuIo(pair.nbdAlpha, "write -P 0x51 0 1M", "write -P 0x52 32M 1M").expect(0);
        List<long[]> map = map(pair.nbdAlpha);
        assertEquals(List.of("data", "hole", "data", "hole"), List.of(kind(map, 0), kind(map, 2 * MIB),
                kind(map, 32 * MIB), kind(map, 40 * MIB)), "nbdinfo --map:\n" + mapText(map));

        String qemu = alpha.run(List.of("qemu-img", "map", "--output=json", "-f", "raw", uri(pair.nbdAlpha)),
                Map.of()).expect(0).out().replace(" ", "");
        assertTrue(qemu.contains("\"start\":0,\"length\":1048576,\"depth\":0,\"present\":true,\"zero\":false,"
                + "\"data\":true"), qemu);
        assertTrue(qemu.contains("\"start\":1048576,\"length\":32505856,\"depth\":0,\"present\":true,\"zero\":true,"
                + "\"data\":false"), qemu);

        Path copy = dir.resolve("copy.img");
        alpha.run(List.of("nbdcopy", uri(pair.nbdAlpha), copy.toString()), Map.of()).expect(0);
        assertDataIs(dir.resolve("alpha.img"), copy);
        assertTrue(allocated(copy) < 8 * MIB, "nbdcopy wrote the holes: " + allocated(copy) + " bytes allocated");
    }

    @Test
    void aPrimaryBehindTheSecondaryReportsDataWhereOnlyTheSecondaryHoldsIt() throws Exception {
        alpha.qemuIo(pair.nbdAlpha, "write -P 0x41 0 1M").expect(0);
        awaitInSync();
        alpha.crash();
        beta.ctl("role", "primary", "r0").expect(0);
        // Where alpha's file is a hole, beta writes while alpha is down.
        beta.qemuIo(pair.nbdBeta, "write -P 0x42 8M 4M").expect(0);
        beta.ctl("role", "secondary", "r0").expect(0);
        // Alpha comes back behind, and copies from beta slowly enough to be paused midway.
        Path conf = alpha.conf;
        Files.writeString(conf, Files.readString(conf).replace("syncrate unlimited", "syncrate 64K"));
        alpha.start();
        alpha.ctl("role", "primary", "r0").expect(0);
        alpha.ctl("pause", "r0").expect(0);
        String list = alpha.ctl("list", "r0").out();
        assertTrue(!list.contains("  dirty: 0 (0B)"), "alpha copied everything already:\n" + list);

        List<long[]> map = map(pair.nbdAlpha);
        for (long at = 8 * MIB; at < 12 * MIB; at += MIB) {
            assertEquals("data", kind(map, at), "at " + at + ", held by the secondary only:\n" + mapText(map));
        }
        Path copy = dir.resolve("copy.img");
        alpha.run(List.of("nbdcopy", uri(pair.nbdAlpha), copy.toString()), Map.of()).expect(0);
        assertDataIs(dir.resolve("beta.img"), copy);
        alpha.ctl("resume", "r0").expect(0);
    }

    /** {@code nbdinfo --map}'s runs: offset, length, type (bit 0 hole, bit 1 zero). */
    private List<long[]> map(int port) throws Exception {
        String out = alpha.run(List.of("nbdinfo", "--map", uri(port)), Map.of()).expect(0).out();
        List<long[]> runs = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            runs.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return runs;
    }

    private static String kind(List<long[]> map, long offset) {
        for (long[] run : map) {
            if (offset >= run[0] && offset < run[0] + run[1]) {
                return (run[2] & 1) != 0 ? "hole" : "data";
            }
        }
        throw new AssertionError("offset " + offset + " is in no run of\n" + mapText(map));
    }

    private static String mapText(List<long[]> map) {
        StringBuilder b = new StringBuilder();
        map.forEach(r -> b.append(Arrays.toString(r)).append('\n'));
        return b.toString();
    }

    /** The copy equals the data area of {@code provider}, byte for byte. */
    private static void assertDataIs(Path provider, Path copy) throws IOException {
        byte[] p = Files.readAllBytes(provider);
        byte[] c = Files.readAllBytes(copy);
        assertEquals(p.length - LOCALOFF, c.length, "the copy's size");
        assertTrue(Arrays.equals(p, LOCALOFF, p.length, c, 0, c.length), "the copy differs from " + provider);
    }

    /** Bytes the file system allocated for {@code file}. */
    private long allocated(Path file) throws Exception {
        String blocks = alpha.run(List.of("stat", "-c", "%b %B", file.toString()), Map.of()).expect(0).out().trim();
        String[] f = blocks.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    private void awaitInSync() throws InterruptedException {
        Node.awaitTrue("a complete, clean pair", () -> {
            try {
                String l = alpha.ctl("list", "r0").out();
                return l.contains("  status: complete") && l.contains("  dirty: 0 (0B)");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static String uri(int port) {
        return "nbd://127.0.0.1:" + port + "/r0";
    }
}
