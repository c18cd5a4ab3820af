package hast.engine.resource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import hast.api.device.AbandonedRequestException;

/**
 * The primary's answer to its own disk stalling: a client request that is still waiting for this
 * node's disk after the resource's {@code timeout} is answered with an I/O error (it cannot be
 * saved by the secondary's copy: recording that would need the same stalled disk). The request
 * itself goes on: its extents stay dirty and it keeps its place among overlapping writes until
 * the disk returns. The error is an {@link AbandonedRequestException}, so that the exporter does
 * not hand the request's buffer, which the disk may still use, to another request.
 */
final class LocalDeadline implements AutoCloseable {
    private final Duration timeout;
    private final LocalErrors localErrors;
    private final ScheduledThreadPoolExecutor timer;
    /** Requests abandoned at their deadline and still in the disk. */
    private final AtomicInteger stalled = new AtomicInteger();

    LocalDeadline(String resource, Duration timeout, LocalErrors localErrors) {
        this.timeout = timeout;
        this.localErrors = localErrors;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hast-local-deadline " + resource);
            t.setDaemon(true);
            return t;
        });
        // Almost every deadline is cancelled: they must not pile up in the queue until they expire.
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Watches a request from now on: unless {@code answer} is complete, or the request is
     * {@linkplain Watch#diskDone done with this node's disk}, by the deadline, the request is
     * answered with an error, counted in {@code errors} and reported.
     *
     * @param op what the request is, for the report ({@code read}, {@code write}, ...)
     */
    Watch watch(CompletableFuture<Void> answer, String op, LongAdder errors) {
        Watch w = new Watch();
        var deadline = timer.schedule(() -> {
            String why = "no answer from the local disk within " + timeout.toSeconds() + " s";
            if (w.abandon() && answer.completeExceptionally(new AbandonedRequestException(why))) {
                errors.increment();
                localErrors.report(op, why);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        answer.whenComplete((v, t) -> deadline.cancel(false));
        return w;
    }

    /**
     * Whether a request abandoned at its deadline is still in this node's disk: small writes then
     * stop running in their client's own thread (see {@link PrimaryDevice}), where a stalled disk
     * would hold every later request of that client, answered or not.
     */
    boolean stalled() {
        return stalled.get() > 0;
    }

    /** One request's place under the deadline. */
    final class Watch {
        /** 0: in the disk, 1: done with it, 2: abandoned while in it. */
        private final AtomicInteger state = new AtomicInteger();

        /** The request no longer waits for this node's disk: only the secondary may keep it now. */
        void diskDone() {
            if (state.getAndSet(1) == 2) {
                stalled.decrementAndGet();
            }
        }

        private boolean abandon() {
            if (state.compareAndSet(0, 2)) {
                stalled.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
