package hast.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The ids this process runs with, against what the kernel shows in /proc/self/status. The calls
 * that change them cannot be undone: hast.engine's PrivilegesTest makes them in a child JVM.
 */
class CredentialsTest {
    @Test
    void theIdsAreTheKernelsRealEffectiveAndSavedOnes() throws Exception {
        assertArrayEquals(status("Uid:"), Credentials.userIds());
        assertArrayEquals(status("Gid:"), Credentials.groupIds());
        assertEquals(status("Uid:")[1], Credentials.effectiveUid());
    }

    /** The real, effective and saved ids of a /proc/self/status line (the fourth is the file-system id). */
    private static int[] status(String field) throws Exception {
        String line = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field))
                .findFirst().orElseThrow();
        return Arrays.stream(line.substring(field.length()).trim().split("\\s+")).limit(3)
                .mapToInt(Integer::parseInt).toArray();
    }
}
