package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource as a real disk, with unmodified tools: two daemons on loop devices, the primary's
 * NBD export made a block device (nbdfuse, then losetup), ext4 on it, a tree of files and a log
 * whose every record is fsync'ed. Then the primary dies by SIGKILL in the middle of the log, the
 * secondary is promoted, its export is attached the same way, e2fsck replays the journal and
 * finds nothing to repair, and every file and every acknowledged record is there.
 */
class FilesystemFailoverIT {
    private static final int MIB = 1 << 20;
    /** Records of the log: fixed-length lines, so a torn tail can be told from a lost record. */
    private static final int RECORD = 64;

    @TempDir
    Path dir;

    @Test
    void aMountedFilesystemSurvivesTheKillOfItsPrimary() throws Exception {
        PairConf pair = new PairConf(dir);
        int nbdAlpha = pair.nbdAlpha;
        int nbdBeta = pair.nbdBeta;
        // Backing devices outlive the daemons, which outlive what is attached to their exports.
        try (BlockStack disks = new BlockStack(dir)) {
            Path diskAlpha = disks.loop(backing("alpha.img"));
            Path diskBeta = disks.loop(backing("beta.img"));
            Path conf = pair.write(diskAlpha, diskBeta, pair.listenBeta, "replication fullsync", "timeout 5");
            try (Node alpha = new Node("alpha", dir, conf); Node beta = new Node("beta", dir, conf);
                 BlockStack stack = new BlockStack(dir)) {
                for (Node n : List.of(alpha, beta)) {
                    n.ctl("create", "r0").expect(0);
                    n.start();
                }
                beta.ctl("role", "secondary", "r0").expect(0);
                alpha.ctl("role", "primary", "r0").expect(0);
                awaitInSync(alpha);
                String list = alpha.ctl("list", "r0").out();
                assertTrue(list.contains("  localpath: " + diskAlpha), list);
                // This machine's kernel has no nbd driver (no /dev/hast device): the export is the way in.
                Node.awaitTrue("hastd to name the way in", () -> alpha.logText().contains(
                        "Kernel nbd driver not present; export at tcp://127.0.0.1:" + nbdAlpha + " is the way in."));
                assertTrue(!list.contains("  device: "), list);

                Path device = stack.nbd(url(nbdAlpha));
                BlockStack.run("mkfs.ext4", "-q", "-F", device.toString());
                Path fs = stack.mount(device);
                Map<String, String> tree = writeTree(fs);
                BlockStack.run("sync", "-f", fs.toString());

                FsyncedLog log = new FsyncedLog(fs.resolve("db/journal.log"));
                log.start();
                Node.awaitTrue("200 fsync'ed records", () -> log.acknowledged.get() >= 200 || log.failure.get() != null);
                assertEquals(null, log.failure.get(), "the log failed before the primary was killed");
                alpha.crash();
                int acknowledged = log.stop();
                stack.release();   // the mount of the dead primary's device
                stack.release();   // its loop device
                stack.release();   // its nbdfuse

                beta.ctl("role", "primary", "r0").expect(0);
                Path promoted = stack.nbd(url(nbdBeta));
                BlockStack.Result replay = BlockStack.exec("e2fsck", "-f", "-y", promoted.toString());
                assertTrue(replay.exit() <= 1, "e2fsck -f -y exited " + replay.exit() + ":\n" + replay.out());
                System.out.println("Primary killed after " + acknowledged + " acknowledged records; e2fsck -f -y exited "
                        + replay.exit() + ":\n" + replay.out());
                BlockStack.Result check = BlockStack.exec("e2fsck", "-f", "-n", promoted.toString());
                assertEquals(0, check.exit(), "a second e2fsck finds problems:\n" + check.out());

                Path after = stack.mount(promoted);
                for (Map.Entry<String, String> f : tree.entrySet()) {
                    assertEquals(f.getValue(), sha256(Files.readAllBytes(after.resolve(f.getKey()))), f.getKey());
                }
                assertEveryRecord(after.resolve("db/journal.log"), acknowledged);
            }
        }
    }

    private Path backing(String name) throws IOException {
        return Node.disk(dir.resolve(name), 128L * MIB);
    }

    /** 120 files of 1 to 256 KiB in 12 folders, random bytes; returns path to SHA-256. */
    private static Map<String, String> writeTree(Path root) throws Exception {
        Random random = new Random(2026);
        Map<String, String> sums = new TreeMap<>();
        for (int d = 0; d < 12; d++) {
            Path folder = Files.createDirectories(root.resolve("tree/d" + d + "/sub" + (d % 3)));
            for (int f = 0; f < 10; f++) {
                byte[] data = new byte[1024 + random.nextInt(255 * 1024)];
                random.nextBytes(data);
                Path file = folder.resolve("f" + f + ".bin");
                Files.write(file, data);
                sums.put(root.relativize(file).toString(), sha256(data));
            }
        }
        return sums;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static byte[] record(int n) {
        String text = String.format("record %08d %s", n, "x".repeat(RECORD));
        return (text.substring(0, RECORD - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Records 0 to acknowledged - 1 are all there, intact and in order; more may follow. */
    private static void assertEveryRecord(Path log, int acknowledged) throws IOException {
        byte[] all = Files.readAllBytes(log);
        assertTrue(all.length >= (long) acknowledged * RECORD, "the log holds " + all.length / RECORD + " records, "
                + acknowledged + " were acknowledged");
        for (int n = 0; n < acknowledged; n++) {
            byte[] expected = record(n);
            for (int i = 0; i < RECORD; i++) {
                if (all[n * RECORD + i] != expected[i]) {
                    throw new AssertionError("record " + n + " of " + acknowledged + " acknowledged is damaged");
                }
            }
        }
    }

    /**
     * A database's commit log: each record is appended, then fdatasync'ed; a record counts as
     * acknowledged once its fsync returned. Runs until stopped or until the device fails.
     */
    private static final class FsyncedLog {
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread writer;

        FsyncedLog(Path file) throws IOException {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            writer = new Thread(() -> {
                try (ch) {
                    for (int n = 0; !stop.get() && n < 1_000_000; n++) {
                        ByteBuffer b = ByteBuffer.wrap(record(n));
                        while (b.hasRemaining()) {
                            ch.write(b, (long) n * RECORD + b.position());
                        }
                        ch.force(false);
                        acknowledged.set(n + 1);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "fsynced-log");
            writer.setDaemon(true);
        }

        void start() {
            writer.start();
        }

        /** Stops the writer (the dead device makes its next fsync fail, if stopping does not) and returns the count. */
        int stop() throws InterruptedException {
            stop.set(true);
            writer.join(Node.DEADLINE.toMillis() * 4);
            if (writer.isAlive()) {
                throw new AssertionError("the log writer is stuck on the dead primary's device");
            }
            return acknowledged.get();
        }
    }

    private static void awaitInSync(Node primary) throws InterruptedException {
        Node.awaitTrue("a complete, clean pair", () -> {
            String l = list(primary);
            return l.contains("  status: complete") && l.contains("  dirty: 0 (0B)");
        });
    }

    private static String list(Node n) {
        try {
            return n.ctl("list", "r0").out();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String url(int port) {
        return "nbd://127.0.0.1:" + port + "/r0";
    }
}
