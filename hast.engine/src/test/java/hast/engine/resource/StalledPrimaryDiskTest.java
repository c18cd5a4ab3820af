package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.device.AbandonedRequestException;
import hast.api.event.HastEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The primary's own disk stops answering for longer than the timeout (1 s here): its clients get
 * an error instead of waiting forever, or for a read the secondary's copy, and overlapping writes
 * still land in order on both nodes once it wakes up (see {@link LocalDeadline}).
 */
@Timeout(120)
class StalledPrimaryDiskTest {
    private static final int EXTENT = EnginePair.EXTENT;
    /** Well past the timeout, well short of forever. */
    private static final long ANSWER_SECONDS = 5;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private final Random random = new Random(23);

    /** Before the pair closes (after every @AfterEach): a disk still frozen would hold its requests past the close. */
    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.alpha.disk().thaw();
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
        pair.startInSync();
        // Written once, so that its mark is on disk already and the next writes need only the data.
        EnginePair.done(pair.alpha.write(8L * EXTENT, block(128 * 1024), false));
        pair.alpha.disk().freeze();
        // Larger than what runs in the caller's thread: the first request a stalled disk holds
        // there would hold that caller (see RequestAdmission.modify).
        byte[] first = block(128 * 1024);
        assertAbandoned(pair.alpha.write(8L * EXTENT, first, false));
        // Small ones now go to the pool too: one waits behind the first, one for the disk.
        byte[] second = block(4096);
        assertAbandoned(pair.alpha.write(8L * EXTENT + 4096, second, false));
        assertAbandoned(pair.alpha.write(9L * EXTENT, block(4096), false));
        assertArrayEquals(new byte[4096], read(2L * EXTENT, 4096).get(ANSWER_SECONDS, TimeUnit.SECONDS),
                "a read the disk holds is served by the secondary");
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

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "async"})
    void aSmallWriteHeldInItsCallersThreadKeepsItsPlaceWhenTheDiskThaws(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.startInSync();
        EnginePair.done(pair.alpha.write(8L * EXTENT, block(4096), false));
        pair.alpha.disk().freeze();
        long errors = pair.alpha.info().statistics().writeErrors();
        // Small, its mark on disk, nothing overlapping: it runs in its caller's thread, which the disk holds.
        byte[] first = block(4096);
        CompletableFuture<CompletableFuture<Void>> held = CompletableFuture.supplyAsync(
                () -> pair.alpha.write(8L * EXTENT, first, false));
        EnginePair.await("the held write answered at its deadline",
                () -> pair.alpha.info().statistics().writeErrors() > errors);
        assertFalse(held.isDone(), "the write's call still holds its caller");
        // What the caller's later requests meet: an overlapping write waits behind it, a read goes elsewhere.
        byte[] second = block(4096);
        assertAbandoned(pair.alpha.write(8L * EXTENT, second, false));
        assertArrayEquals(new byte[4096], read(2L * EXTENT, 4096).get(ANSWER_SECONDS, TimeUnit.SECONDS));
        pair.alpha.disk().thaw();
        assertAbandoned(held.get(ANSWER_SECONDS, TimeUnit.SECONDS));
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(second, pair.alpha.read(8L * EXTENT, 4096), "the newer write landed last");
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "both copies equal once clean");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aReadTheStalledDiskHoldsIsServedByTheSecondaryWhereItsCopyIsCurrent(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.startInSync();
        byte[] data = block(PrimaryReads.HANDOVER_MAX);
        EnginePair.done(pair.alpha.write(3L * EXTENT, data, false));
        long readErrors = pair.alpha.info().statistics().readErrors();
        pair.alpha.disk().freeze();
        long started = System.nanoTime();
        assertArrayEquals(data, read(3L * EXTENT, data.length).get(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1), "only after the timeout");
        assertTrue(pair.alpha.events.stream().anyMatch(ev -> ev.type().equals(HastEvent.LOCAL_ERROR)
                && ev.details().get(0).equals("read")), "a local-error event for the read");
        assertTrue(pair.alpha.info().statistics().readErrors() > readErrors, "counted as a local read error");
        // A read too large to land apart from the client's buffer cannot be handed over.
        ExecutionException large = assertThrows(ExecutionException.class,
                () -> read(0, 2 * PrimaryReads.HANDOVER_MAX).get(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertTrue(large.getMessage().contains("no answer from the local disk"), large.toString());
        pair.alpha.disk().thaw();
        assertArrayEquals(data, pair.alpha.read(3L * EXTENT, data.length), "the disk is back");
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "both copies equal once clean");
    }

    @Test
    void aReadTheStalledDiskHoldsFailsWhileTheSecondaryIsAway() throws Exception {
        pair = new EnginePair(dir, "fullsync", true);
        pair.startInSync();
        pair.toBeta.cut();
        EnginePair.await("alpha alone", () -> !pair.alpha.info().connected());
        pair.alpha.disk().freeze();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> read(3L * EXTENT, 4096).get(ANSWER_SECONDS, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("no answer from the local disk"), e.toString());
        pair.alpha.disk().thaw();
        pair.toBeta.heal();
        pair.awaitClean(pair.alpha, pair.beta);
    }

    /** A read from another thread: the test's own must stay free to watch the clock. */
    /**
     * A flush while this node's disk holds every I/O thread still reaches the secondary, whose
     * cache then holds no acknowledged write unflushed: the flush's frame goes out from the
     * caller's thread, and only its local part waits for an I/O thread (see
     * {@code PrimaryDevice.replicate}). The flush itself is answered at the deadline, with an error.
     */
    @Test
    void aFlushReachesTheSecondaryWhileThisDiskHoldsEveryIoThread() throws Exception {
        pair = new EnginePair(dir, "memsync", true);
        pair.startInSync();
        EnginePair.done(pair.alpha.write(3L * EXTENT, block(4096), false));
        pair.alpha.disk().freeze();
        // Reads run on the I/O threads: each one holds a thread in the frozen disk.
        for (int i = 0; i < PrimaryDevice.IO_THREADS; i++) {
            pair.alpha.device().read((long) i * 4096, ByteBuffer.allocate(4096));
        }
        EnginePair.await("every I/O thread held by the frozen disk", () -> pair.alpha.info().queues().idle() == 0);
        int flushed = pair.beta.disk().flushes();
        CompletableFuture<Void> flush = pair.alpha.flush();
        EnginePair.await("beta to flush while alpha's disk holds every I/O thread",
                () -> pair.beta.disk().flushes() > flushed);
        assertEquals(0, pair.beta.disk().unflushed(), "beta's cache holds nothing unflushed");
        assertAbandoned(flush);
    }

    private CompletableFuture<byte[]> read(long offset, int length) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pair.alpha.read(offset, length);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static void assertAbandoned(CompletableFuture<Void> write) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(ANSWER_SECONDS, TimeUnit.SECONDS),
                "answered within " + ANSWER_SECONDS + " s");
        assertInstanceOf(AbandonedRequestException.class, e.getCause());
    }
}
