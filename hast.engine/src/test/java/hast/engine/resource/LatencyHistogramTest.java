package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hast.api.metrics.Latency;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void eachLatencyCountsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(0);
        h.record(50_000);
        h.record(50_001);
        h.record(1_000_000);
        h.record(10_000_000_000L);
        h.record(10_000_000_001L);
        Latency l = h.snapshot();
        long[] bounds = l.boundsNanos();
        long[] expected = new long[bounds.length + 1];
        expected[0] = 2;
        expected[1] = 1;
        expected[4] = 1;
        expected[bounds.length - 1] = 1;
        expected[bounds.length] = 1;
        assertEquals(1_000_000, bounds[4]);
        assertEquals(10_000_000_000L, bounds[bounds.length - 1]);
        assertArrayEquals(expected, l.counts());
        assertEquals(6, l.count());
        assertEquals(50_000 + 50_001 + 1_000_000 + 10_000_000_000L + 10_000_000_001L, l.sumNanos());
    }
}
