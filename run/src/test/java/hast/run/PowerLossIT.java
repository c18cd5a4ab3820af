package hast.run;

import static hast.run.LabPair.MIB;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node of a {@link FaultLab} loses power: its daemon dies without a word, its link goes silent,
 * and its disk, behind a write-back cache, loses every write that no flush reached. A disk only
 * promises what was flushed; the pair must not promise more than its disks do.
 */
class PowerLossIT {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync"})
    void aSecondaryThatLostPowerRejoinsAndEndsEqualToThePrimary(String replication) throws Exception {
        try (LabPair pair = new LabPair(dir, replication, "b"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            for (int extent = 0; extent < 6; extent++) {
                log.mustWrite(alpha, extent * (long) MIB, BLOCK);
            }
            log.mustFlush(alpha);
            // Acknowledged by the pair, but no flush has reached the secondary's disk yet.
            for (int extent = 10; extent < 16; extent++) {
                log.mustWrite(alpha, extent * (long) MIB, BLOCK);
            }
            pair.lab.powerCut(beta);
            for (int extent = 26; extent < 30; extent++) {
                log.mustWrite(alpha, extent * (long) MIB, BLOCK);
            }
            log.mustFlush(alpha);
            pair.awaitDegraded(alpha);

            pair.lab.powerOn(beta);
            pair.ctl(beta, "role", "secondary", "r0").expect(0);
            pair.awaitComplete(alpha);
            pair.phase("the rejoin resynchronised " + pair.lastSynchronized(alpha) + " bytes");
            log.assertPresent(alpha, w -> true);
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync"})
    void everythingFlushedBeforeThePrimaryLostPowerIsOnThePromotedSecondary(String replication) throws Exception {
        try (LabPair pair = new LabPair(dir, replication, "a"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            for (int extent = 0; extent < 6; extent++) {
                log.mustWrite(alpha, extent * (long) MIB + 8192, BLOCK);
            }
            log.mustFlush(alpha);
            // Acknowledged, never flushed: the primary's own disk loses these.
            for (int extent = 3; extent < 9; extent++) {
                log.mustWrite(alpha, extent * (long) MIB + 512 * 1024, BLOCK);
            }
            pair.lab.powerCut(alpha);

            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, WriteLog.Write::flushed);
            // The secondary kept its power: in these modes it had every acknowledged write too.
            log.assertPresent(beta, w -> true);

            // The old primary boots and becomes the secondary of the new one.
            pair.lab.powerOn(alpha);
            pair.ctl(alpha, "role", "secondary", "r0").expect(0);
            pair.awaitComplete(beta);
            pair.assertCopiesEqual();
        }
    }
}
