package hast.engine.resource;

import java.util.concurrent.atomic.LongAdder;

import hast.api.metrics.Latency;

/**
 * Request latencies in fixed buckets, recorded on the request path: one bucket search over a
 * short array and two adder increments, no lock and no allocation.
 */
final class LatencyHistogram {
    /** 50 µs to 10 s: a page-cache write to a disk or link that stalls until its timeout. */
    private static final long[] BOUNDS_NANOS = {
        50_000L, 100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L,
        10_000_000_000L};

    private final LongAdder[] counts = new LongAdder[BOUNDS_NANOS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one request that started at {@code startNanos} ({@link System#nanoTime()}) and ended now. */
    void since(long startNanos) {
        record(Math.max(0, System.nanoTime() - startNanos));
    }

    /** Records one request that took {@code nanos}. */
    void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(nanos);
    }

    Latency snapshot() {
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].sum();
        }
        return new Latency(BOUNDS_NANOS, c, sumNanos.sum());
    }
}
