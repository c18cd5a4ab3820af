package hast.run;

import static hast.run.LabPair.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A network partition between the primary and the secondary of a {@link FaultLab}: the link goes
 * silent (nothing is reset, as when a switch dies), the primary goes on alone, and once the link
 * is healed it copies exactly what changed meanwhile. Whatever the client was told is written
 * survives a failover to the old secondary.
 */
class PartitionIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aSilentPartitionDegradesThePairAndHealingCopiesOnlyWhatChanged(String replication) throws Exception {
        try (LabPair pair = new LabPair(dir, replication); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            for (int extent = 0; extent < 8; extent++) {
                log.mustWrite(alpha, extent * (long) MIB + 4096, 64 * 1024);
            }
            log.mustFlush(alpha);
            pair.awaitComplete(alpha);

            pair.lab.cut(beta, "both", "drop");
            // Four extents change while the link is down, each twice, a FLUSH between the rounds;
            // the first write may wait for the secondary until the timeout.
            long[] extents = {3, 20, 21, 30};
            for (int round = 0; round < 2; round++) {
                for (long extent : extents) {
                    log.mustWrite(alpha, extent * MIB + round * 128 * 1024, 128 * 1024);
                }
                log.mustFlush(alpha);
            }
            pair.awaitDegraded(alpha);
            assertEquals(extents.length * (long) MIB, pair.dirty(alpha),
                    "exactly the extents written during the partition are dirty:\n" + pair.list(alpha));

            pair.lab.heal(beta);
            pair.awaitComplete(alpha);
            assertEquals(extents.length * (long) MIB, pair.lastSynchronized(alpha),
                    "the resynchronisation copies the extents written during the partition, and only those");

            // Failover: the old primary steps down first, then its secondary takes over.
            pair.ctl(alpha, "role", "init", "r0").expect(0);
            pair.ctl(beta, "role", "primary", "r0").expect(0);
            log.assertPresent(beta, w -> true);
            pair.assertCopiesEqual();
        }
    }
}
