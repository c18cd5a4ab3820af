package hast.engine.resource;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.control.SyncRate;
import hast.engine.config.SyncRateConfig;

/**
 * The pace of a primary's synchronisation: how fast it may copy (the resource's {@code syncrate},
 * taken again at every extent so that a reload changes a running pass) and whether an operator
 * paused it. The synchronisation thread waits here before each extent; applications' writes
 * report their latency here for the dynamic mode.
 */
final class SyncPace {
    private static final Logger LOG = Logger.getLogger(SyncPace.class.getName());
    /** Longest single wait: a reload or a new dynamic step is taken within it. */
    private static final long WAIT_MILLIS = TimeUnit.NANOSECONDS.toMillis(SyncRateController.STEP_NANOS);

    private final String resource;
    private final Supplier<SyncRateConfig> config;
    private final LongSupplier clock;
    private SyncRateConfig applied;
    private TokenBucket bucket;
    /** Plans the rate in dynamic mode, else {@code null}. */
    private volatile SyncRateController controller;
    /** When an application write last ended, on {@link #clock}. */
    private volatile long lastWrite;
    private boolean pauseRequested;
    /** The synchronisation thread waits in {@link #park}, nothing in flight. */
    private boolean parked;
    private boolean closed;

    /**
     * @param config the resource's pace as reloads change it
     * @param clock  nanoseconds, as {@link System#nanoTime()}
     */
    SyncPace(String resource, Supplier<SyncRateConfig> config, LongSupplier clock) {
        this.resource = resource;
        this.config = config;
        this.clock = clock;
        this.lastWrite = clock.getAsLong() - SyncRateController.STEP_NANOS;
        refresh(clock.getAsLong());
    }

    /** A pass starts: the dynamic rate starts again, from its ceiling or its floor. */
    synchronized void passStarted() {
        applied = null;
        refresh(clock.getAsLong());
    }

    /** An application write took {@code nanos}; only the dynamic mode listens. */
    void written(long nanos) {
        lastWrite = clock.getAsLong();
        SyncRateController c = controller;
        if (c != null) {
            c.written(nanos);
        }
    }

    /**
     * Waits until {@code bytes} may be copied at the rate, and counts them as started.
     *
     * @return false, without counting, when a pause was asked for or the pace closed meanwhile
     */
    synchronized boolean await(long bytes) throws InterruptedException {
        while (!closed && !pauseRequested) {
            long now = clock.getAsLong();
            refresh(now);
            long delay = bucket.delay(now);
            if (delay <= 0) {
                bucket.take(bytes, now);
                SyncRateController c = controller;
                if (c != null) {
                    c.copied(bytes);
                }
                return true;
            }
            wait(Math.max(1, Math.min(WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(delay))));
        }
        return false;
    }

    synchronized boolean pauseRequested() {
        return pauseRequested;
    }

    /** Holds the synchronisation thread, which has nothing in flight, until resumed or closed. */
    synchronized void park() throws InterruptedException {
        parked = true;
        notifyAll();
        try {
            while (pauseRequested && !closed) {
                wait();
            }
        } finally {
            parked = false;
        }
        SyncRateController c = controller;
        if (c != null) {
            c.forget(clock.getAsLong());
        }
    }

    /**
     * Asks the synchronisation to stop after the extents in flight, and waits until it did, or
     * {@code millis} passed, or {@code running} turned false.
     *
     * @return whether it stopped
     */
    synchronized boolean pause(long millis, BooleanSupplier running) throws InterruptedException {
        pauseRequested = true;
        notifyAll();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!parked && running.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, WAIT_MILLIS));
        }
        return parked;
    }

    /** @return whether a pause was asked for */
    synchronized boolean resume() {
        boolean was = pauseRequested;
        pauseRequested = false;
        notifyAll();
        return was;
    }

    /** The pause is forgotten when no pass runs to keep it. */
    synchronized void passEnded() {
        pauseRequested = false;
        notifyAll();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** What status shows. */
    synchronized SyncRate state() {
        refresh(clock.getAsLong());
        return new SyncRate(applied.describe(), bucket.rate(), pauseRequested);
    }

    /** Takes a changed configuration, or the dynamic mode's next step. */
    private void refresh(long now) {
        SyncRateConfig c = config.get();
        if (!c.equals(applied)) {
            if (applied != null) {
                LOG.info(() -> "[" + resource + "] syncrate " + c.describe()
                        + ", applied to the synchronization under way.");
            }
            applied = c;
            controller = c.dynamic() ? new SyncRateController(c.latencyTarget().toNanos(), c.minRate(), c.maxRate(),
                    now - lastWrite >= SyncRateController.STEP_NANOS, now) : null;
            long rate = c.dynamic() ? controller.rate() : c.fixed();
            if (bucket == null) {
                bucket = new TokenBucket(rate, now);
            } else {
                bucket.rate(rate, now);
            }
        } else if (controller != null && !parked) {
            bucket.rate(controller.plan(now), now);
        }
    }
}
