package hast.engine.resource;

/**
 * The dynamic synchronisation rate: every step it compares the applications' mean write latency
 * with the target and sets the rate the copy may use in the next step. DRBD's resync controller
 * is the model: it plans each step from what it measured in the last one, keeps a floor so that
 * a synchronisation always progresses (c-min-rate) and a ceiling (c-max-rate). Where DRBD steers
 * by the data in flight, this steers by what applications feel: their write latency.
 *
 * <p>A controller starts at the ceiling (no limit without {@code sync-max-rate}) when the
 * applications wrote nothing in the step before it: an idle device has nothing to protect, and a
 * climb from the floor would make a synchronisation of an idle disk take twice as long or more.
 * It starts at the floor when they were writing, and finds out how much they leave it.
 *
 * <p>Over the target, the rate shrinks in proportion (twice the target halves it), so that one
 * step undoes most of an overshoot; without a limit, the proportion is taken of what the copy
 * moved in the step. Within the target, or with no writes at all, a limited rate grows by a
 * quarter per step, but only while the copy used at least half of it: a copy held back
 * elsewhere (the link, the disks) does not earn a rate it would spend all at once on the day it
 * is free. Time comes from the caller, so that the controller is tested without waiting.
 */
final class SyncRateController {
    /** How often the rate is planned: ten times a second, as DRBD's c-plan-ahead steps. */
    static final long STEP_NANOS = 100_000_000L;
    private static final long NANOS = 1_000_000_000L;

    private final long targetNanos;
    private final long minRate;
    /** 0 for no ceiling. */
    private final long maxRate;
    /** Bytes per second; 0 for no limit, as in {@link TokenBucket}. */
    private long rate;
    private long stepStarted;
    private long latencySum;
    private long writes;
    private long copied;

    /**
     * @param idle whether the applications wrote nothing in the last step: the controller then
     *             starts at the ceiling, else at the floor
     */
    SyncRateController(long targetNanos, long minRate, long maxRate, boolean idle, long nowNanos) {
        this.targetNanos = targetNanos;
        this.minRate = minRate;
        this.maxRate = maxRate;
        this.rate = idle ? maxRate : minRate;
        this.stepStarted = nowNanos;
    }

    long rate() {
        return rate;
    }

    /** An application write took {@code nanos}. */
    synchronized void written(long nanos) {
        latencySum += nanos;
        writes++;
    }

    /** The copy started {@code bytes}. */
    synchronized void copied(long bytes) {
        copied += bytes;
    }

    /**
     * Plans the next step once this one is over.
     *
     * @return the rate for the copy from now on, in bytes per second
     */
    synchronized long plan(long nowNanos) {
        long elapsed = nowNanos - stepStarted;
        if (elapsed < STEP_NANOS) {
            return rate;
        }
        double used = (double) copied * NANOS / elapsed;
        if (writes > 0 && latencySum / writes > targetNanos) {
            long mean = latencySum / writes;
            double basis = rate == 0 ? used : rate;
            rate = Math.max(1, (long) (basis * targetNanos / mean));
        } else if (rate != 0 && used >= rate / 2.0) {
            rate += Math.max(rate / 4, 1);
        }
        if (rate != 0) {
            rate = Math.max(minRate, maxRate == 0 ? rate : Math.min(maxRate, rate));
        }
        stepStarted = nowNanos;
        latencySum = 0;
        writes = 0;
        copied = 0;
        return rate;
    }

    /** A pause is not a step: what it measured says nothing of the copy's effect. */
    synchronized void forget(long nowNanos) {
        stepStarted = nowNanos;
        latencySum = 0;
        writes = 0;
        copied = 0;
    }
}
