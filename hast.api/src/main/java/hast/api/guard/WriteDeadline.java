package hast.api.guard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.DaemonThreads;

/**
 * Gives up on connections whose writes stay blocked: a peer that stops reading (or reads a few
 * bytes a second) fills the socket buffers, and then a write blocks for as long as the peer likes,
 * where no read timeout applies, holding its writer and everyone queued behind it. A thread of
 * its own, which never writes, notices and runs the connection's drop action (which closes the
 * socket, failing the blocked write).
 */
public final class WriteDeadline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WriteDeadline.class.getName());

    /** The writing side of one connection, as the deadline watches it. */
    public interface Writing {
        /** How long the write under way has been going on, in nanoseconds; 0 when none is. */
        long writingFor();

        /** The peer, for the log. */
        String peer();
    }

    private final String label;
    /** As reloads change it: a new timeout applies to writes already watched too. */
    private final Supplier<Duration> deadline;
    private final Map<Writing, Runnable> watched = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param label what the watched connections serve, for the log and the thread's name */
    public WriteDeadline(String label, Duration deadline) {
        this(label, () -> deadline);
    }

    /** @param deadline as a reload changes it, read at each check */
    public WriteDeadline(String label, Supplier<Duration> deadline) {
        this.label = label;
        this.deadline = deadline;
        this.thread = DaemonThreads.create("hast-write-deadline " + label, this::watch);
    }

    public void start() {
        thread.start();
    }

    /** Runs {@code stalled} once when a write through {@code writer} outlasts the deadline. */
    public void watch(Writing writer, Runnable stalled) {
        watched.put(writer, stalled);
    }

    public void forget(Writing writer) {
        watched.remove(writer);
    }

    private void watch() {
        while (!closed) {
            long limit = deadline.get().toNanos();
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), limit / 4);
            for (Map.Entry<Writing, Runnable> e : watched.entrySet()) {
                long stalled = e.getKey().writingFor();
                if (stalled > limit && watched.remove(e.getKey(), e.getValue())) {
                    LOG.warning(() -> "[" + label + "] A write to " + e.getKey().peer() + " has been blocked for "
                            + TimeUnit.NANOSECONDS.toMillis(stalled) + " ms (the write deadline is "
                            + TimeUnit.NANOSECONDS.toMillis(limit) + " ms); giving up on the connection.");
                    e.getValue().run();
                }
            }
            LockSupport.parkNanos(this, period);
        }
    }

    @Override
    public void close() {
        closed = true;
        watched.clear();
        LockSupport.unpark(thread);
    }
}
