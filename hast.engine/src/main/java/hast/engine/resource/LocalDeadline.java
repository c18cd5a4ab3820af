package hast.engine.resource;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import hast.api.DaemonThreads;
import hast.api.device.AbandonedRequestException;

/**
 * The primary's answer to its own disk stalling: a client request still unanswered after the
 * resource's {@code timeout}, while this node's disk has made no progress for that long, is
 * answered with an I/O error (a write cannot be saved by the secondary's copy: recording that
 * would need the same stalled disk), or, for a read, by a {@link Fallback}. The request
 * itself goes on: its extents stay dirty and it keeps its place among overlapping writes until
 * the disk returns. The error is an {@link AbandonedRequestException}, so that the exporter does
 * not hand the request's buffer, which the disk may still use, to another request.
 *
 * <p>Requests are not timed one by one: a timer per request woke the deadline's thread for
 * almost every request (its new deadline was the earliest whenever none other was pending),
 * which at one request in flight cost as much CPU as the request. Instead each request is
 * entered in a set, left when it is answered, and a sweep a few times per timeout looks at those
 * older than the timeout: a request is given up between one and 1.25 timeouts after it began.
 */
final class LocalDeadline implements AutoCloseable {
    /** The resource's timeout as reloads change it. */
    private final Supplier<Duration> timeout;
    private final WatchedDisk disk;
    private final LocalErrors localErrors;
    private final ScheduledThreadPoolExecutor timer;
    /** Requests abandoned at their deadline and still in the disk. */
    private final AtomicInteger stalled = new AtomicInteger();
    /** Requests watched and not answered yet. */
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();

    LocalDeadline(String resource, Supplier<Duration> timeout, WatchedDisk disk, LocalErrors localErrors) {
        this.timeout = timeout;
        this.disk = disk;
        this.localErrors = localErrors;
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("hast-local-deadline " + resource));
        sweepSoon();
    }

    /** The next sweep, a quarter of the timeout in force from now. */
    private void sweepSoon() {
        try {
            timer.schedule(this::sweep, timeout.get().toNanos() / 4, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: nothing is watched any more.
        }
    }

    /** Gives up on the requests the stalled disk has held past the timeout (answered ones have left the set). */
    private void sweep() {
        try {
            Duration limit = timeout.get();
            long now = System.nanoTime();
            for (Watch w : watched) {
                if (now - w.since >= limit.toNanos() && !w.answer.isDone()) {
                    w.expire(limit);
                }
            }
        } finally {
            sweepSoon();
        }
    }

    /**
     * Watches a request from now on: unless {@code answer} is complete, or the request is
     * {@linkplain Watch#diskDone done with this node's disk}, by the deadline, the request is
     * answered with an error, counted in {@code errors} and reported. Time the request spends
     * {@linkplain Watch#away away} on the secondary's business does not end it: the link has its
     * own deadlines.
     *
     * @param op what the request is, for the report ({@code read}, {@code write}, ...)
     */
    Watch watch(CompletableFuture<Void> answer, String op, LongAdder errors) {
        return watch(answer, op, errors, () -> null);
    }

    /**
     * As {@link #watch(CompletableFuture, String, LongAdder)}, but at the deadline {@code fallback}
     * may answer the request instead of the error: the request is counted and reported as a
     * local error all the same.
     */
    Watch watch(CompletableFuture<Void> answer, String op, LongAdder errors, Fallback fallback) {
        Watch w = new Watch(answer, op, errors, fallback);
        watched.add(w);
        answer.whenComplete((v, t) -> watched.remove(w));
        return w;
    }

    /**
     * Whether a request abandoned at its deadline is still in this node's disk: small writes then
     * stop running in their client's own thread (see {@link RequestAdmission}), where a stalled disk
     * would hold every later request of that client, answered or not.
     */
    boolean stalled() {
        return stalled.get() > 0;
    }

    /** Another way to answer a request this node's disk holds past its deadline. */
    @FunctionalInterface
    interface Fallback {
        /**
         * Starts answering the request some other way, without blocking (the deadline's timer
         * calls it); {@code null} when there is none. The stalled disk no longer owns the request.
         */
        CompletableFuture<Void> answer();
    }

    /** One request's place under the deadline. */
    final class Watch {
        private static final int IN_DISK = 0;
        private static final int DONE = 1;
        private static final int ABANDONED = 2;
        private static final int AWAY = 3;

        private final AtomicInteger state = new AtomicInteger(IN_DISK);
        private final CompletableFuture<Void> answer;
        private final String op;
        private final LongAdder errors;
        private final Fallback fallback;
        /** When the request began ({@link System#nanoTime()}). */
        private final long since = System.nanoTime();

        private Watch(CompletableFuture<Void> answer, String op, LongAdder errors, Fallback fallback) {
            this.answer = answer;
            this.op = op;
            this.errors = errors;
            this.fallback = fallback;
        }

        /** The request is past the timeout: given up on if this node's disk is what holds it. */
        private void expire(Duration limit) {
            if (state.get() == AWAY || !disk.stalledFor(limit)) {
                // Not the local disk's doing (yet): the next sweep looks again.
                return;
            }
            String why = "no answer from the local disk within " + limit.toSeconds() + " s";
            if (!state.compareAndSet(IN_DISK, ABANDONED)) {
                return;
            }
            stalled.incrementAndGet();
            CompletableFuture<Void> elsewhere = fallback.answer();
            if (elsewhere == null) {
                if (answer.completeExceptionally(new AbandonedRequestException(why))) {
                    errors.increment();
                    localErrors.report(op, why);
                }
                return;
            }
            errors.increment();
            localErrors.report(op, why);
            elsewhere.whenComplete((v, t) -> {
                if (t == null) {
                    answer.complete(null);
                } else {
                    answer.completeExceptionally(new AbandonedRequestException(why + ", nor from the secondary ("
                            + t.getMessage() + ")"));
                }
            });
        }

        /**
         * The request waits for the secondary (its frame is being sent), not for this disk, or
         * fills its buffer; false when the deadline has taken the request from this disk already.
         */
        boolean away() {
            return state.compareAndSet(IN_DISK, AWAY);
        }

        /** The request is back with this node's disk. */
        void back() {
            state.compareAndSet(AWAY, IN_DISK);
        }

        /**
         * The request no longer waits for this node's disk: only the secondary may keep it now.
         *
         * @return false when the deadline had taken the request from this disk: it is answered,
         *         or being answered, without it
         */
        boolean diskDone() {
            if (state.getAndSet(DONE) == ABANDONED) {
                stalled.decrementAndGet();
                return false;
            }
            return true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
