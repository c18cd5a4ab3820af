package hast.run;

import static hast.run.LabPair.MIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary's own disk fails every read with EIO. The secondary holds the same data, so the
 * client must not notice: each read is served from the secondary.
 */
class LocalReadErrorIT {
    @TempDir
    Path dir;

    @Test
    void readsTheLocalDiskFailsAreServedCorrectlyFromTheSecondary() throws Exception {
        try (LabPair pair = new LabPair(dir, "fullsync"); WriteLog log = new WriteLog(pair, dir)) {
            Node alpha = pair.alpha;
            pair.pair();
            for (int extent = 0; extent < 8; extent++) {
                log.mustWrite(alpha, extent * 4L * MIB + 12_345, 200_000);
            }
            log.mustFlush(alpha);
            pair.awaitComplete(alpha);

            pair.lab.diskFault(alpha, "read", true);
            log.assertPresent(alpha, w -> true);
            String list = pair.list(alpha);
            Matcher errors = Pattern.compile("local errors: read: (\\d+)").matcher(list);
            assertTrue(errors.find() && Long.parseLong(errors.group(1)) > 0,
                    "the reads did meet the failing disk:\n" + list);

            pair.lab.diskFault(alpha, "read", false);
            pair.assertVerified(alpha);
            pair.assertCopiesEqual();
        }
    }
}
