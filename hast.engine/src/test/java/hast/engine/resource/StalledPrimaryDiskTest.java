package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.Role;
import hast.api.device.AbandonedRequestException;
import hast.api.event.HastEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The primary's own disk stops answering for longer than the timeout (1 s here): its clients get
 * an error instead of waiting forever, and overlapping writes still land in order on both nodes
 * once it wakes up (see {@link LocalDeadline}).
 */
@Timeout(120)
class StalledPrimaryDiskTest {
    private static final int EXTENT = EnginePair.EXTENT;
    /** Well past the timeout, well short of forever. */
    private static final long ANSWER_SECONDS = 5;

    @TempDir
    Path dir;
    private EnginePair pair;
    private final Random random = new Random(23);

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.alpha.disk().thaw();
            pair.close();
        }
    }

    private byte[] block(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aStalledPrimaryDiskAnswersWithAnErrorAndOverlappingWritesKeepTheirOrder(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        // Written once, so that its mark is on disk already and the next writes need only the data.
        EnginePair.done(pair.alpha.write(8L * EXTENT, block(128 * 1024), false));
        pair.alpha.disk().freeze();
        // Larger than what runs in the caller's thread: the first request a stalled disk holds
        // there would hold that caller (see PrimaryDevice.modify).
        byte[] first = block(128 * 1024);
        assertAbandoned(pair.alpha.write(8L * EXTENT, first, false));
        // Small ones now go to the pool too: one waits behind the first, one for the disk.
        byte[] second = block(4096);
        assertAbandoned(pair.alpha.write(8L * EXTENT + 4096, second, false));
        assertAbandoned(pair.alpha.write(9L * EXTENT, block(4096), false));
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pair.alpha.read(2L * EXTENT, 4096);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("no answer from the local disk"), e.toString());
        assertTrue(pair.alpha.events.stream().anyMatch(ev -> ev.type().equals(HastEvent.LOCAL_ERROR)
                && ev.details().get(0).equals("write")), "a local-error event for the writes");
        assertTrue(pair.alpha.info().statistics().writeErrors() >= 3, "counted");
        pair.alpha.disk().thaw();
        pair.awaitClean(pair.alpha, pair.beta);
        byte[] expected = first.clone();
        System.arraycopy(second, 0, expected, 4096, second.length);
        assertArrayEquals(expected, pair.alpha.read(8L * EXTENT, first.length), "the newer write landed last");
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "both copies equal once clean");
        byte[] after = block(4096);
        EnginePair.done(pair.alpha.write(8L * EXTENT, after, false));
        assertArrayEquals(after, pair.alpha.read(8L * EXTENT, 4096), "the disk is back");
    }

    private static void assertAbandoned(CompletableFuture<Void> write) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(ANSWER_SECONDS, TimeUnit.SECONDS),
                "answered within " + ANSWER_SECONDS + " s");
        assertInstanceOf(AbandonedRequestException.class, e.getCause());
    }
}
