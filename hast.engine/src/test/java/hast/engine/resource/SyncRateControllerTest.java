package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The dynamic sync rate, step by step on a clock the test moves: no timing. */
class SyncRateControllerTest {
    private static final long STEP = SyncRateController.STEP_NANOS;
    private static final long MS = 1_000_000L;
    private static final long MIB = 1 << 20;
    private static final long GIB = 1 << 30;

    private long now;

    /** One step in which the copy used all its rate and applications wrote at {@code latency}. */
    private long step(SyncRateController c, long latency, int writes) {
        c.copied(c.rate() / 10);
        for (int i = 0; i < writes; i++) {
            c.written(latency);
        }
        now += STEP;
        return c.plan(now);
    }

    /** A controller started while applications were writing. */
    private SyncRateController busy(long minRate, long maxRate) {
        return new SyncRateController(5 * MS, minRate, maxRate, false, now);
    }

    @Test
    void anIdleDeviceIsCopiedAtTheCeilingFromTheStart() {
        SyncRateController unbounded = new SyncRateController(5 * MS, 10 * MIB, 0, true, now);
        assertEquals(0, unbounded.rate(), "no limit");
        for (int i = 0; i < 5; i++) {
            unbounded.copied(GIB / 10);
            now += STEP;
            assertEquals(0, unbounded.plan(now), "no writes: still no limit");
        }
        SyncRateController bounded = new SyncRateController(5 * MS, 10 * MIB, 100 * MIB, true, now);
        assertEquals(100 * MIB, bounded.rate(), "sync-max-rate");
    }

    @Test
    void writesOverTheTargetLimitAnUnlimitedCopyInProportionToWhatItMoved() {
        SyncRateController c = new SyncRateController(5 * MS, 10 * MIB, 0, true, now);
        c.copied(100 * MIB);  // 1000 MiB per second
        c.written(10 * MS);
        now += STEP;
        assertEquals(500 * MIB, c.plan(now), "twice the target: half of what the copy moved");

        SyncRateController stalled = new SyncRateController(5 * MS, 10 * MIB, 0, true, now);
        stalled.written(10 * MS);
        now += STEP;
        assertEquals(10 * MIB, stalled.plan(now), "a copy that moved nothing falls to the floor, not to no limit");
    }

    @Test
    void withoutWritesTheRateGrowsFromTheFloorToTheCeiling() {
        SyncRateController c = busy(10 * MIB, 100 * MIB);
        assertEquals(10 * MIB, c.rate(), "a pass that starts under writes starts at the floor");
        assertEquals(10 * MIB + 10 * MIB / 4, step(c, 0, 0), "a quarter more per step");
        for (int i = 0; i < 30; i++) {
            step(c, 0, 0);
        }
        assertEquals(100 * MIB, c.rate(), "held at sync-max-rate");
    }

    @Test
    void writesWithinTheTargetLetItGrow() {
        SyncRateController c = busy(10 * MIB, 0);
        long before = c.rate();
        assertTrue(step(c, 4 * MS, 100) > before);
    }

    @Test
    void writesOverTheTargetShrinkItInProportionButNotBelowTheFloor() {
        SyncRateController c = busy(MIB, 0);
        for (int i = 0; i < 20; i++) {
            step(c, 0, 0);
        }
        long high = c.rate();
        assertEquals(high / 2, step(c, 10 * MS, 50), "twice the target halves the rate");
        for (int i = 0; i < 20; i++) {
            step(c, 50 * MS, 50);
        }
        assertEquals(MIB, c.rate(), "a synchronisation always progresses: sync-min-rate");
    }

    @Test
    void aCopyHeldBackElsewhereEarnsNoMoreRate() {
        SyncRateController c = busy(10 * MIB, 0);
        c.copied(MIB / 10);  // a tenth of what it was allowed
        now += STEP;
        assertEquals(10 * MIB, c.plan(now));
    }

    @Test
    void theRateIsPlannedOncePerStepAndAPauseIsNoStep() {
        SyncRateController c = busy(10 * MIB, 0);
        c.written(100 * MS);
        assertEquals(10 * MIB, c.plan(now + STEP / 2), "half a step: unchanged");
        c.forget(now + STEP / 2);
        c.copied(MIB);
        assertEquals(10 * MIB + 10 * MIB / 4, c.plan(now + STEP + STEP / 2),
                "the slow write before the pause is forgotten");
    }
}
