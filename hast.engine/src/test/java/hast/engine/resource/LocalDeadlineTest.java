package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import hast.api.device.AbandonedRequestException;
import hast.api.event.HastEvent;
import hast.engine.local.FaultyDisk;
import hast.engine.local.FileProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a request is given up on: only when the disk itself has stopped finishing anything. */
class LocalDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;
    private FaultyDisk faulty;
    private WatchedDisk disk;
    private LocalDeadline deadline;
    private final List<HastEvent> events = new CopyOnWriteArrayList<>();
    private final LongAdder errors = new LongAdder();

    @BeforeEach
    void open() throws Exception {
        Path img = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        faulty = new FaultyDisk(FileProvider.open(img, false), false);
        disk = new WatchedDisk(faulty);
        deadline = new LocalDeadline("r0", () -> TIMEOUT, disk, new LocalErrors("r0", events::add));
    }

    @AfterEach
    void close() throws Exception {
        faulty.thaw();
        deadline.close();
        faulty.close();
    }

    @Test
    void aRequestWaitingWhileTheDiskIsIdleIsNotGivenUp() throws Exception {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        deadline.watch(answer, "write", errors);
        // Something that does not happen can only be checked over a bounded wait: three timeouts.
        assertThrows(TimeoutException.class, () -> answer.get(3 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertFalse(deadline.stalled());
    }

    @Test
    void aRequestInAStalledDiskIsAnsweredAndCountedAndTheDiskIsKnownStalledUntilItReturns() throws Exception {
        faulty.freeze();
        CompletableFuture<Void> answer = new CompletableFuture<>();
        LocalDeadline.Watch watch = deadline.watch(answer, "write", errors);
        Thread writer = new Thread(() -> {
            try {
                disk.write(ByteBuffer.allocate(4096), 0);
            } catch (Exception e) {
                // The test looks at the answer, not at this write.
            } finally {
                watch.diskDone();
            }
        });
        writer.start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AbandonedRequestException.class, e.getCause());
        EnginePair.await("the error counted and reported", () -> errors.sum() == 1 && events.size() == 1);
        assertTrue(deadline.stalled(), "small writes must leave the caller's thread while it is held");
        faulty.thaw();
        writer.join(10_000);
        assertFalse(deadline.stalled(), "the disk returned the request");
    }
}
