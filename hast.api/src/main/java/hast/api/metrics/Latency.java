package hast.api.metrics;

/**
 * A distribution of request latencies: how many requests took at most each bound, bucket by
 * bucket (not cumulative), and the time they took together.
 *
 * @param boundsNanos upper bounds of the buckets, ascending, in nanoseconds
 * @param counts      requests per bucket: {@code counts[i]} took more than {@code boundsNanos[i-1]}
 *                    and at most {@code boundsNanos[i]}; the last one ({@code counts.length ==
 *                    boundsNanos.length + 1}) took longer than every bound
 * @param sumNanos    the time all of them took, in nanoseconds
 */
public record Latency(long[] boundsNanos, long[] counts, long sumNanos) {
    public Latency {
        if (counts.length != boundsNanos.length + 1) {
            throw new IllegalArgumentException(counts.length + " counts for " + boundsNanos.length + " bounds");
        }
        boundsNanos = boundsNanos.clone();
        counts = counts.clone();
    }

    @Override
    public long[] boundsNanos() {
        return boundsNanos.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** How many requests the distribution holds. */
    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }
}
