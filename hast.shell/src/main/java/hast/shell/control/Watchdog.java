package hast.shell.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import hast.api.DaemonThreads;

/**
 * Bounds each blocking exchange with a client (reading its request, writing to it): one that
 * takes too long has its connection closed, which ends the exchange, so a client that neither
 * sends nor reads holds a thread for a bounded time only.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());

    /** A blocking exchange on a connection. */
    @FunctionalInterface
    interface Exchange<T> {
        T run() throws IOException;
    }

    private final Duration timeout;
    private final ScheduledExecutorService timer;

    Watchdog(Duration timeout) {
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("hastctl-timeout"));
    }

    /** Runs one exchange, closing {@code client} (which ends it) when it takes longer than the timeout. */
    <T> T within(SocketChannel client, Exchange<T> exchange) throws IOException {
        ScheduledFuture<?> alarm;
        try {
            alarm = timer.schedule(() -> closeQuietly(client), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            throw new IOException("the control socket is closing");
        }
        try {
            return exchange.run();
        } catch (IOException e) {
            if (alarm.isDone() && !alarm.isCancelled()) {
                throw new IOException("client took longer than " + timeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.fine(() -> "Closing a control connection failed: " + e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
