package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fixed sync rate's arithmetic, on a clock the test moves. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1 << 20;

    @Test
    void anExtentCopiedWholeDelaysTheNextByItsShareOfTheRate() {
        TokenBucket bucket = new TokenBucket(MIB, 0);
        assertEquals(0, bucket.delay(0), "the first copy starts at once");
        bucket.take(2 * MIB, 0);
        assertEquals(2 * SECOND, bucket.delay(0), "2 MiB at 1 MiB/s");
        assertEquals(SECOND, bucket.delay(SECOND));
        assertEquals(0, bucket.delay(2 * SECOND));
    }

    @Test
    void overTimeTheRateIsKeptExactly() {
        TokenBucket bucket = new TokenBucket(10 * MIB, 0);
        long now = 0;
        long copied = 0;
        while (now < 10 * SECOND) {
            now += bucket.delay(now);
            bucket.take(MIB, now);
            copied += MIB;
        }
        // 100 MiB may go in 10 s, plus the one started at the last instant.
        assertEquals(101 * MIB, copied);
    }

    @Test
    void anIdleCopyGetsNoMoreThanATenthOfASecondAhead() {
        TokenBucket bucket = new TokenBucket(10 * MIB, 0);
        long now = 60 * SECOND;
        bucket.take(MIB, now);
        assertEquals(0, bucket.delay(now), "1 MiB is a tenth of a second at 10 MiB/s: still allowed");
        bucket.take(MIB, now);
        assertEquals(SECOND / 10, bucket.delay(now), "the second waits: the idle minute was not saved up");
    }

    @Test
    void aNewRateAppliesToTheDebtAlreadyRunning() {
        TokenBucket bucket = new TokenBucket(MIB, 0);
        bucket.take(4 * MIB, 0);
        assertEquals(4 * SECOND, bucket.delay(0));
        bucket.rate(4 * MIB, 0);
        assertEquals(SECOND, bucket.delay(0));
        bucket.rate(0, 0);
        assertEquals(0, bucket.delay(0), "unlimited: no wait, whatever the debt");
        bucket.take(100 * MIB, 0);
        assertEquals(0, bucket.delay(0));
    }
}
