package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two nodes of a {@link FaultLab}, alpha on site a and beta on site b, sharing one resource r0 on
 * 32 MiB disks with 1 MiB extents; the checks a fault scenario makes of the pair as a whole.
 * Control sockets and NBD exports are Unix sockets in the lab's folder, so that hastctl and NBD
 * clients run from the test's own namespace while the daemons live in theirs.
 */
final class LabPair implements AutoCloseable {
    static final int MIB = 1 << 20;
    static final long DISK = 32L * MIB;
    private static final int PORT = 8457;

    final FaultLab lab;
    private final long born = System.nanoTime();
    final Node alpha;
    final Node beta;
    private final Path dir;
    /** The providers as hastd sees them: nbdfuse files of the lab's disks. */
    private final Path diskA;
    private final Path diskB;

    /**
     * @param replication fullsync, memsync or async
     * @param cacheOn     the sites whose disks lose unflushed writes when their power is cut
     */
    LabPair(Path dir, String replication, String... cacheOn) throws IOException, InterruptedException {
        this.dir = dir;
        lab = new FaultLab(dir);
        try {
            diskA = disk("a", List.of(cacheOn).contains("a"));
            diskB = disk("b", List.of(cacheOn).contains("b"));
            Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                    "replication " + replication,
                    // Short, so that a silent cut degrades the pair within a test's patience.
                    "timeout 3",
                    node("alpha", lab.address("a")),
                    node("beta", lab.address("b")),
                    "resource r0 {",
                    "  on alpha { local " + diskA + " remote tcp4://" + lab.address("b") + ":" + PORT + " }",
                    "  on beta { local " + diskB + " remote tcp4://" + lab.address("a") + ":" + PORT + " }",
                    "}", ""));
            alpha = lab.node("a", "alpha", conf);
            beta = lab.node("b", "beta", conf);
            // Side by side: a JVM's start is most of a scenario's fixed cost, and CI has a budget.
            FutureTask<Void> betaUp = new FutureTask<>(() -> {
                create(beta);
                return null;
            });
            new Thread(betaUp, "beta up").start();
            create(alpha);
            try {
                betaUp.get();
            } catch (ExecutionException e) {
                throw new AssertionError("beta did not start", e.getCause());
            }
            phase("both daemons up");
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private void create(Node n) throws IOException, InterruptedException {
        ctl(n, "create", "-e", "1M", "r0").expect(0);
        n.start();
    }

    private Path disk(String site, boolean volatileCache) throws IOException, InterruptedException {
        Path image = dir.resolve(site + ".img");
        Node.disk(image, DISK);
        return volatileCache ? lab.disk(site, image, "--cache") : lab.disk(site, image);
    }

    private String node(String name, String address) {
        return "on " + name + " { control uds://" + dir.resolve(name + ".ctl") + " listen tcp4://" + address + ":"
                + PORT + " export uds://" + export(name) + " }";
    }

    private Path export(String node) {
        return dir.resolve(node + ".nbd");
    }

    /** The Unix socket of a node's NBD export. */
    Path export(Node n) {
        return export(n.name);
    }

    /** The NBD URL of a node's export, for qemu-io and nbdcopy. */
    String url(Node n) {
        return "nbd+unix:///r0?socket=" + export(n.name);
    }

    /** Where a scenario spends its time, for the CI budget: seconds since the lab was made. */
    void phase(String what) {
        System.out.printf("[lab %s] %6.1f s %s%n", lab.id, (System.nanoTime() - born) / 1e9, what);
    }

    /** alpha primary, beta secondary, both complete. */
    void pair() throws Exception {
        ctl(beta, "role", "secondary", "r0").expect(0);
        ctl(alpha, "role", "primary", "r0").expect(0);
        awaitComplete(alpha);
    }

    void awaitComplete(Node primary) throws InterruptedException {
        Node.awaitTrue("a complete pair with nothing dirty, according to " + primary.name, () -> {
            String l = list(primary);
            return l.contains("  status: complete") && l.contains("  dirty: 0 (0B)");
        });
        phase("complete, according to " + primary.name);
    }

    void awaitDegraded(Node primary) throws InterruptedException {
        Node.awaitTrue(primary.name + " degraded", () -> list(primary).contains("  status: degraded"));
        phase(primary.name + " degraded");
    }

    String list(Node n) {
        try {
            return ctl(n, "list", "r0").out();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The dirty bytes hastctl list reports. */
    long dirty(Node n) {
        return number(list(n), "  dirty: (\\d+) ");
    }

    /** What the last synchronisation pass of a primary copied, from its log. */
    long lastSynchronized(Node primary) {
        Matcher m = Pattern.compile("Synchronization complete\\. (\\d+) bytes").matcher(primary.logText());
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        assertTrue(last >= 0, "no synchronisation in the log of " + primary.name);
        return last;
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in:\n" + text);
        return Long.parseLong(m.group(1));
    }

    /** The primary compares every extent with the secondary's copy and must find them equal. */
    void assertVerified(Node primary) throws Exception {
        Node.Result r = ctl(primary, "verify", "r0");
        long extents = DISK / MIB;
        assertEquals("r0: " + extents + " extents, " + extents + " compared, 0 differing, 0 skipped as dirty.\n", r.out(),
                "hastctl verify on " + primary.name + ":\n" + r.err());
        r.expect(0);
    }

    /**
     * Stops both daemons and compares their data areas byte for byte, where {@code hastctl dump}
     * says they are; the disks stay up, so unflushed cache contents count too.
     */
    void assertCopiesEqual() throws Exception {
        assertEquals(0, alpha.stop(), alpha.logText());
        assertEquals(0, beta.stop(), beta.logText());
        phase("both stopped");
        byte[] a = dataArea(alpha);
        byte[] b = dataArea(beta);
        int first = Arrays.mismatch(a, b);
        assertEquals(-1, first, "the copies differ, first at data offset " + first + " (extent " + first / MIB + ")");
    }

    private byte[] dataArea(Node n) throws Exception {
        String dump = ctl(n, "dump", "r0").expect(0).out();
        long localoff = number(dump, "    localoff: (\\d+)");
        long datasize = number(dump, "    datasize: (\\d+)");
        byte[] area = new byte[Math.toIntExact(datasize)];
        try (RandomAccessFile f = new RandomAccessFile((n == alpha ? diskA : diskB).toFile(), "r")) {
            f.seek(localoff);
            f.readFully(area);
        }
        return area;
    }

    Node.Result ctl(Node n, String subcommand, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(subcommand, "-c", n.conf.toString()));
        all.addAll(List.of(args));
        return n.hastctl(all.toArray(new String[0]));
    }

    /** Runs a client command (qemu-io, nbdcopy) from the test's namespace. */
    Node.Result client(List<String> cmd) throws IOException, InterruptedException {
        return alpha.run(cmd, Map.of());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        lab.close();
    }
}
