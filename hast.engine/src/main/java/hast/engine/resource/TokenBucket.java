package hast.engine.resource;

/**
 * Holds a copy to a rate: each copy takes its bytes from the bucket, which refills at the rate.
 * A copy may take more than the bucket holds (an extent is copied whole); the debt then delays
 * the next one, so that over time the rate is kept exactly. The bucket holds at most a tenth of
 * a second's worth, so that a copy that was idle does not burst. Time is given by the caller, in
 * nanoseconds, so that the arithmetic is tested without waiting.
 */
final class TokenBucket {
    private static final long NANOS = 1_000_000_000L;
    /** Bytes per second; 0 for no limit. */
    private long rate;
    /** Bytes that may go now; negative while a copy's debt is paid off. */
    private double tokens;
    private long updatedNanos;

    TokenBucket(long rate, long nowNanos) {
        this.rate = rate;
        this.updatedNanos = nowNanos;
    }

    long rate() {
        return rate;
    }

    /** A new rate from now on; the debt is paid off at the new rate. */
    void rate(long bytesPerSecond, long nowNanos) {
        refill(nowNanos);
        rate = bytesPerSecond;
        if (rate == 0) {
            tokens = 0;
        }
    }

    /** Nanoseconds before the next copy may start: 0 when it may start now. */
    long delay(long nowNanos) {
        refill(nowNanos);
        if (rate == 0 || tokens >= 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens * NANOS / rate);
    }

    /** A copy of {@code bytes} started now. */
    void take(long bytes, long nowNanos) {
        refill(nowNanos);
        if (rate != 0) {
            tokens -= bytes;
        }
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - updatedNanos;
        updatedNanos = nowNanos;
        if (rate != 0 && elapsed > 0) {
            tokens = Math.min(burst(), tokens + (double) elapsed * rate / NANOS);
        }
    }

    private double burst() {
        return rate / 10.0;
    }
}
