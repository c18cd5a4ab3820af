package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failover script reads from hastctl on two real daemons: status and list exit with the
 * resources' state, await blocks until a condition holds or its time runs out, events starts
 * with the current state and fails when hastd goes away.
 */
class ScriptableStateIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private Node alpha;
    private Node beta;
    /** Between alpha and beta's listener, in the tests that hold a synchronisation in the middle. */
    private StallingProxy proxy;

    @AfterEach
    void stop() throws Exception {
        for (Node n : new Node[] {alpha, beta}) {
            if (n != null) {
                n.close();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void start() throws Exception {
        start(false);
    }

    /**
     * @param stallable alpha reaches beta through {@link #proxy}, and its disk holds random data
     *                  (which no codec shrinks), so that a byte count on the link is a point in the sync
     */
    private void start(boolean stallable) throws Exception {
        PairConf pair = new PairConf(dir);
        int alphaToBeta = pair.listenBeta;
        if (stallable) {
            proxy = new StallingProxy(pair.listenBeta);
            alphaToBeta = proxy.port();
        }
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), alphaToBeta, "timeout 3");
        alpha = new Node("alpha", dir, conf);
        beta = new Node("beta", dir, conf);
        for (Node n : List.of(alpha, beta)) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(n.name + ".img").toFile(), "rw")) {
                f.setLength(32 * MIB);
                if (stallable && n == alpha) {
                    byte[] noise = new byte[32 * MIB];
                    new java.util.Random(14).nextBytes(noise);
                    f.write(noise);
                }
            }
            n.ctl("create", "-e", "1M", "r0").expect(0);
            n.start();
        }
    }

    /** beta as secondary, alpha as primary, and the first synchronisation held after 12 of its 32 MiB. */
    private void holdTheFirstSynchronisation() throws Exception {
        start(true);
        beta.ctl("role", "secondary", "r0").expect(0);
        proxy.stallAfter(12 * MIB);
        alpha.ctl("role", "primary", "r0").expect(0);
        Node.awaitTrue("beta inconsistent", () -> status(beta) == Node.INCONSISTENT);
    }

    @Test
    void promotionIsRefusedWhileTheFirstSynchronisationRunsAndAllowedOnceItIsDone() throws Exception {
        holdTheFirstSynchronisation();
        Node.Result status = beta.ctl("status", "r0").expect(Node.INCONSISTENT);
        assertTrue(status.out().matches("(?s).*r0\tdegraded secondary .*\tinconsistent \\([^)]+\\)\n"), status.out());
        assertTrue(beta.ctl("list", "--json", "r0").expect(Node.INCONSISTENT).out()
                .contains("\"state\":\"inconsistent\",\"consistency\":\"incomplete\""));
        Node.Result refused = beta.ctl("role", "primary", "r0").expect(Node.INCONSISTENT);
        assertTrue(refused.err().startsWith("[r0] Not made primary: this copy of r0 is inconsistent (a full"
                + " synchronisation from the primary has not finished"), refused.err());
        assertTrue(refused.err().contains("'hastctl role -f primary r0'"), refused.err());
        beta.ctl("await", "-t", "0", "secondary", "r0").expect(0);
        assertTrue(beta.ctl("dump", "r0").expect(0).out().contains("consistency: incomplete"));

        proxy.heal();
        beta.ctl("await", "-t", "60", "complete", "r0").expect(0);
        beta.ctl("status", "r0").expect(Node.COMPLETE);
        assertTrue(beta.ctl("list", "r0").expect(Node.COMPLETE).out().contains("\n  consistent: yes\n"));
        alpha.ctl("role", "init", "r0").expect(0);
        beta.ctl("role", "primary", "r0").expect(0);
        beta.ctl("await", "-t", "0", "primary", "r0").expect(0);
    }

    @Test
    void promotionOfAnInconsistentCopyIsAllowedWithForceAndLogged() throws Exception {
        holdTheFirstSynchronisation();
        beta.ctl("role", "-f", "primary", "r0").expect(0);
        beta.ctl("await", "-t", "0", "primary", "r0").expect(0);
        assertTrue(beta.logText().contains("Forced to primary with an inconsistent copy"), beta.logText());
        assertTrue(beta.ctl("dump", "r0").expect(0).out().contains("consistency: consistent"),
                "the copy is the reference from now on");
    }

    @Test
    void statusExitsWithTheStateAndAwaitWaitsForIt() throws Exception {
        start();
        alpha.ctl("status").expect(Node.IDLE);
        alpha.ctl("await", "-t", "0", "primary", "r0").expect(75);
        beta.ctl("role", "secondary", "r0").expect(0);
        alpha.ctl("role", "primary", "r0").expect(0);
        alpha.ctl("await", "-t", "30", "primary", "r0").expect(0);
        // The first synchronisation copies all 32 MiB; await returns once it is over.
        alpha.ctl("await", "-t", "30", "complete", "r0").expect(0);
        alpha.ctl("status", "r0").expect(Node.COMPLETE);
        beta.ctl("await", "-t", "30", "connected").expect(0);
        assertTrue(alpha.ctl("list", "--json").expect(Node.COMPLETE).out()
                .contains("\"connected\":true,\"protocol\":\"3\",\"state\":\"complete\""));

        beta.close();
        Node.awaitTrue("alpha degraded", () -> status(alpha) == Node.DEGRADED);
        alpha.ctl("await", "-t", "1", "connected", "r0").expect(75);
        Node.Result late = alpha.ctl("await", "-t", "0", "complete", "r0").expect(75);
        assertEquals("[r0] Not complete after 0 s: role primary, degraded, not connected.\n", late.err());
    }

    @Test
    void eventsStartWithTheStateAndFailWhenHastdGoesAway() throws Exception {
        start();
        beta.ctl("role", "secondary", "r0").expect(0);
        Path out = dir.resolve("events.out");
        Path err = dir.resolve("events.err");
        Process events = beta.spawnHastctl(out, err, "events", "-d", "-c", beta.conf.toString());
        Node.awaitTrue("the subscription", () -> read(err).contains("Following events"));
        assertTrue(read(out).matches("\\S+ r0 state secondary (complete|degraded) (dis)?connected \\S+\n"),
                read(out));
        alpha.ctl("role", "primary", "r0").expect(0);
        Node.awaitTrue("the connect event after the state", () -> read(out).contains(" r0 connect\n"));

        beta.close();
        assertTrue(events.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS), "events ends with hastd");
        assertEquals(69, events.exitValue(), read(err));
        assertTrue(read(err).contains("hastd closed the connection; it is no longer running."), read(err));
    }

    private static int status(Node n) {
        try {
            return n.ctl("status", "r0").exit();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
