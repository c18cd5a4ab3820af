package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import hast.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IoPoolTest {
    private static final long DEADLINE_MS = 10_000;
    private final ThreadPoolExecutor pool = IoPool.create("io-test", 4);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void oneRequestAtATimeKeepsOneThread() throws Exception {
        AtomicReference<Thread> last = new AtomicReference<>();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            pool.execute(() -> {
                last.set(Thread.currentThread());
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);
            awaitIdle(last.get());
        }
        assertEquals(1, pool.getLargestPoolSize(), "a waiting thread takes the next request");
    }

    @Test
    void withEveryThreadBusyARequestWaitsForTheFirstToFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            pool.execute(() -> {
                started.countDown();
                await(release);
            });
        }
        assertTrue(started.await(10, TimeUnit.SECONDS), "four requests run at once");
        CompletableFuture<Void> fifth = new CompletableFuture<>();
        pool.execute(() -> fifth.complete(null));
        assertEquals(4, pool.getPoolSize(), "no thread beyond the bound");
        assertEquals(1, pool.getQueue().size(), "the fifth request is queued");
        release.countDown();
        fifth.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aShutDownPoolRefuses() {
        pool.shutdown();
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
    }

    /** Waits until {@code t} waits for work (it has finished its task and is back at the queue). */
    private static void awaitIdle(Thread t) throws InterruptedException {
        Await.until(t.getName() + " idle", Duration.ofMillis(DEADLINE_MS),
                () -> t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
