package hast.run;

import static hast.run.LabPair.MIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary's disk fails a flush (EIO from fdatasync). A client's FLUSH promises that what it
 * wrote before is durable on the pair; when the secondary cannot make it so, either the FLUSH
 * fails, or the primary knows the secondary's copy is not to be trusted: the pair is degraded
 * and the extents written stay dirty, to be copied again.
 */
class FlushFailureIT {
    @TempDir
    Path dir;

    @Test
    void aFlushTheSecondaryFailsIsNotReportedAsDurableOnThePair() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            Node beta = pair.beta;
            pair.pair();
            log.mustWrite(alpha, 2L * MIB, 64 * 1024);
            log.mustFlush(alpha);
            pair.awaitComplete(alpha);

            pair.lab.diskFault(beta, "flush", true);
            log.mustWrite(alpha, 5L * MIB, 64 * 1024);
            boolean durable = log.flush(alpha);
            String list = pair.list(alpha);
            assertTrue(!durable || list.contains("  status: degraded") && pair.dirty(alpha) >= MIB,
                    "the client's FLUSH succeeded although the secondary's disk failed it, and the primary "
                            + "reports the pair complete or the extent clean:\n" + list + "\nbeta's log:\n"
                            + beta.logText());

            // Once the disk flushes again the pair heals and the copies converge.
            pair.lab.diskFault(beta, "flush", false);
            pair.awaitComplete(alpha);
            log.assertPresent(alpha, WriteLog.Write::acknowledged);
            pair.assertCopiesEqual();
        }
    }
}
