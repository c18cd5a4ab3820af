package hast.engine.resource;

/**
 * The dynamic synchronisation rate: every step it compares the applications' mean write latency
 * with the target and sets the rate the copy may use in the next step. DRBD's resync controller
 * is the model: it plans each step from what it measured in the last one, keeps a floor so that
 * a synchronisation always progresses (c-min-rate) and a ceiling (c-max-rate). Where DRBD steers
 * by the data in flight, this steers by what applications feel: their write latency.
 *
 * <p>Over the target, the rate shrinks in proportion (twice the target halves it), so that one
 * step undoes most of an overshoot. Within it, or with no writes at all, the rate grows by a
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
    private long rate;
    private long stepStarted;
    private long latencySum;
    private long writes;
    private long copied;

    /** Starts at the floor: a new pass finds out how much the applications leave it. */
    SyncRateController(long targetNanos, long minRate, long maxRate, long nowNanos) {
        this.targetNanos = targetNanos;
        this.minRate = minRate;
        this.maxRate = maxRate;
        this.rate = minRate;
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
        if (writes > 0 && latencySum / writes > targetNanos) {
            long mean = latencySum / writes;
            rate = (long) ((double) rate * targetNanos / mean);
        } else if ((double) copied * NANOS / elapsed >= rate / 2.0) {
            rate += Math.max(rate / 4, 1);
        }
        rate = Math.max(minRate, maxRate == 0 ? rate : Math.min(maxRate, rate));
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
