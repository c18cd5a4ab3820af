package hast.api.guard;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.transport.Connection;

/**
 * Closes connections whose handshake outlasts its deadline. A read timeout bounds each read only,
 * so a peer sending a byte now and then, or never reading what it is sent, could hold a handshake
 * (its thread, its place among the untrusted) for ever; closing the socket fails the read or
 * write it is blocked in. One timer thread serves a listener.
 */
public final class HandshakeDeadlines implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HandshakeDeadlines.class.getName());

    private final String handshake;
    private final ScheduledThreadPoolExecutor timer;

    /** @param handshake how the log names the handshake, e.g. "Handshake" or "NBD negotiation" */
    public HandshakeDeadlines(String handshake) {
        this.handshake = handshake;
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("hast-handshake-deadline"));
        // A handshake that ends in time cancels its task: it must not stay queued until its time.
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A deadline set on one connection; disarming it (once the handshake is done) is idempotent. */
    public interface Armed {
        void disarm();
    }

    /** Closes {@code c} after {@code deadline} unless disarmed first; at once when this is closed. */
    public Armed arm(Connection c, Duration deadline) {
        ScheduledFuture<?> task;
        try {
            task = timer.schedule(() -> {
                LOG.warning(() -> handshake + " with " + c.peer() + " not done within " + deadline.toMillis()
                        + " ms (the handshake deadline); connection closed.");
                closeQuietly(c);
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // The listener or link is going away: no handshake is to start now.
            closeQuietly(c);
            return () -> { };
        }
        return () -> task.cancel(false);
    }

    /** Closes a connection that is being given up, where a failure to close changes nothing. */
    public static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.fine(() -> "Closing " + c.peer() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
