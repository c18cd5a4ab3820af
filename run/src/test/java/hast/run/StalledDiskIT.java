package hast.run;

import static hast.run.LabPair.MIB;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary's disk stops answering (a hung controller) while its daemon and its link are
 * fine. A client of the primary must not wait for it beyond the timeout: the pair degrades, the
 * primary goes on alone, and once the disk answers again the pair converges.
 */
class StalledDiskIT {
    @TempDir
    Path dir;

    @Test
    void aStalledSecondaryDiskDoesNotStallThePrimaryBeyondTheTimeout() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            pair.lab.diskStall(beta, true);
            // Each request has Node.DEADLINE to be answered; the timeout is 3 s.
            for (long extent = 12; extent < 15; extent++) {
                log.mustWrite(alpha, extent * MIB, 64 * 1024);
            }
            log.mustFlush(alpha);
            pair.awaitDegraded(alpha);
            pair.lab.diskStall(beta, false);
            pair.awaitComplete(alpha);
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }
}
