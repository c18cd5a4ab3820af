package hast.run;

import static hast.run.LabPair.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Link and process faults other than a clean partition: a link that fails one way only and answers
 * with resets, and a secondary that hangs (its process stopped, its sockets open) and then goes on
 * over a link with little bandwidth. Each time the primary goes on alone, and the pair converges.
 */
class LinkFaultsIT {
    private static final int BLOCK = 128 * 1024;

    @TempDir
    Path dir;

    @Test
    void aOneWayCutWithResetsDegradesThePairAndHealingResynchronisesIt() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            // What beta receives from alpha is answered with resets; what beta sends still arrives.
            pair.lab.cut(beta, "in", "reset");
            for (long extent : new long[] {7, 8, 30}) {
                log.mustWrite(alpha, extent * MIB, BLOCK);
            }
            log.mustFlush(alpha);
            pair.awaitDegraded(alpha);
            assertEquals(3L * MIB, pair.dirty(alpha), pair.list(alpha));
            pair.lab.heal(beta);
            pair.awaitComplete(alpha);
            assertEquals(3L * MIB, pair.lastSynchronized(alpha));
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }

    @Test
    void aHungSecondaryIsLeftBehindWithinTheTimeoutAndCatchesUpOverASlowLink() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            pair.lab.hang(beta);
            for (long extent = 20; extent < 26; extent++) {
                log.mustWrite(alpha, extent * MIB + 4096, BLOCK);
            }
            log.mustFlush(alpha);
            pair.awaitDegraded(alpha);
            // 6 MiB to copy at 20 Mbit/s: the resynchronisation takes seconds, and must still complete.
            pair.lab.slow(alpha, "20mbit");
            pair.lab.resume(beta);
            pair.awaitComplete(alpha);
            pair.phase("the hung secondary caught up, " + pair.lastSynchronized(alpha) + " bytes resynchronised");
            pair.lab.slow(alpha, "off");
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }
}
