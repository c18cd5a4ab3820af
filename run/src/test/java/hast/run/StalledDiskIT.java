package hast.run;

import static hast.run.LabPair.MIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary's disk stops answering (a hung controller) while its daemon and its link are
 * fine. A client of the primary waits for it once, up to the timeout; then the pair is degraded,
 * the primary goes on alone without waiting again, and once the disk answers the pair converges.
 */
class StalledDiskIT {
    @TempDir
    Path dir;

    @Test
    void aStalledSecondaryDiskCostsTheClientOneTimeoutThenThePrimaryGoesOnAlone() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            pair.lab.diskStall(beta, true);
            // The first write waits for the secondary until the timeout; the pair then leaves the
            // secondary behind (hastd's guard retries every 10 s or so), so what follows does not wait.
            Duration limit = Duration.ofSeconds(6);
            for (long extent = 12; extent < 15; extent++) {
                long started = System.nanoTime();
                log.mustWrite(alpha, extent * MIB, 64 * 1024);
                assertAnswered(started, "write at extent " + extent, limit);
                limit = Duration.ofMillis(1500);
            }
            long started = System.nanoTime();
            log.mustFlush(alpha);
            assertAnswered(started, "FLUSH", limit);
            pair.awaitDegraded(alpha);
            pair.lab.diskStall(beta, false);
            pair.awaitComplete(alpha);
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }

    /** {@code limit}: the pair's timeout is 3 s, plus slack for a busy machine. */
    private static void assertAnswered(long started, String what, Duration limit) {
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        System.out.println(what + " answered after " + waited.toMillis() + " ms");
        assertTrue(waited.compareTo(limit) < 0, what + " waited " + waited.toMillis() + " ms for a stalled secondary, "
                + "more than " + limit.toMillis() + " ms");
    }
}
