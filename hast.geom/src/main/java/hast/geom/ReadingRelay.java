package hast.geom;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who reads a connection's requests. The thread reading them also starts each one in the device,
 * and a device may carry out a small request in that very thread (a primary's cheap path); when
 * its disk freezes there, the call does not return. Once a call has lasted {@link #PATIENCE}, a
 * successor takes over the reading, so that the client's later requests are read and answered;
 * the held thread ends when its call returns, without reading again.
 *
 * <p>The cost on the way of every request is one store and one compare-and-set: the watching is
 * done by a shared timer, a few times per {@code PATIENCE}.
 */
final class ReadingRelay {
    /** How long a call into the device may hold the reader before a successor takes over. */
    static final Duration PATIENCE = Duration.ofMillis(250);
    /** The reader is not in a call. */
    private static final long IDLE = Long.MIN_VALUE;

    /**
     * When the reader's current call began ({@link System#nanoTime}), or {@link #IDLE}: a reader
     * that finds another value than its own when the call returns has been replaced.
     */
    private final AtomicLong call = new AtomicLong(IDLE);
    private final ScheduledExecutorService timer;
    private final Runnable successor;
    private ScheduledFuture<?> check;

    /**
     * @param timer     runs the checks; shared by the connections of a server
     * @param successor starts a new thread that goes on reading the connection
     */
    ReadingRelay(ScheduledExecutorService timer, Runnable successor) {
        this.timer = timer;
        this.successor = successor;
    }

    /** Starts watching, for as long as the connection is in its transmission phase. */
    synchronized void start() {
        long period = PATIENCE.toNanos() / 2;
        check = timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    /** Stops watching: the connection has ended. */
    synchronized void stop() {
        if (check != null) {
            check.cancel(false);
        }
    }

    /**
     * The reader enters a call into the device.
     *
     * @return the call's stamp, for {@link #leave}
     */
    long enter() {
        long now = System.nanoTime();
        // Never the marker, which no clock reading comes near in practice.
        long stamp = now == IDLE ? now + 1 : now;
        call.set(stamp);
        return stamp;
    }

    /**
     * The reader's call returned.
     *
     * @return whether this thread still reads the connection; false when a successor took over
     */
    boolean leave(long stamp) {
        return call.compareAndSet(stamp, IDLE);
    }

    private void check() {
        long began = call.get();
        if (began != IDLE && System.nanoTime() - began >= PATIENCE.toNanos() && call.compareAndSet(began, IDLE)) {
            successor.run();
        }
    }
}
