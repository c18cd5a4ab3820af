package hast.engine.replication;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Gives up on connections whose writes stay blocked: a peer that stops reading (or reads a few
 * bytes a second) fills the socket buffers, and then a write blocks for as long as the peer likes,
 * where no read timeout applies, holding its {@link FrameWriter} and everyone queued behind it.
 * A thread of its own, which never writes, notices and runs the connection's drop action (which
 * closes the socket, failing the blocked write). The primary's link and the secondary's sessions
 * each have one.
 *
 * <p>A single write of a frame buffer (at most 256 KiB, or one maximal request) taking longer than
 * the deadline means the link carries less than that per deadline: too little to replicate on.
 */
public final class WriteDeadline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WriteDeadline.class.getName());

    private final String resource;
    /** As reloads change it: a new timeout applies to writes already watched too. */
    private final Supplier<Duration> deadline;
    private final Map<FrameWriter, Runnable> watched = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public WriteDeadline(String resource, Supplier<Duration> deadline) {
        this.resource = resource;
        this.deadline = deadline;
        this.thread = new Thread(this::watch, "hast-write-deadline " + resource);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Runs {@code stalled} once when a write through {@code writer} outlasts the deadline. */
    public void watch(FrameWriter writer, Runnable stalled) {
        watched.put(writer, stalled);
    }

    public void forget(FrameWriter writer) {
        watched.remove(writer);
    }

    private void watch() {
        while (!closed) {
            long limit = deadline.get().toNanos();
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), limit / 4);
            for (Map.Entry<FrameWriter, Runnable> e : watched.entrySet()) {
                long stalled = e.getKey().writingFor();
                if (stalled > limit && watched.remove(e.getKey(), e.getValue())) {
                    LOG.warning(() -> "[" + resource + "] A write to the peer has been blocked for "
                            + TimeUnit.NANOSECONDS.toMillis(stalled) + " ms; giving up on the connection.");
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
