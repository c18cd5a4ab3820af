package hast.engine.resource;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.function.Supplier;

import hast.api.DaemonThreads;
import hast.engine.replication.RemoteLink;

/**
 * Flushes both nodes' caches once a second while replicated writes wait for it. An extent
 * becomes clean only when its data is durable on both nodes; clients that never flush (or flush
 * rarely) would otherwise leave every extent they touch dirty, and copied again after each outage.
 * Then writes the activemap if extents became clean ({@link DirtyExtents#recordClean}).
 */
final class CacheFlusher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CacheFlusher.class.getName());
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String resource;
    private final DirtyExtents dirty;
    private final RemoteLink link;
    private final PrimaryDevice device;
    /** The resource's timeout as reloads change it. */
    private final Supplier<Duration> timeout;
    private final Thread thread;
    private boolean closed;

    /** @param timeout how long one flush of both may take before this gives up on it (the link's own timeout acts first) */
    CacheFlusher(String resource, DirtyExtents dirty, RemoteLink link, PrimaryDevice device, Supplier<Duration> timeout) {
        this.resource = resource;
        this.dirty = dirty;
        this.link = link;
        this.device = device;
        this.timeout = timeout;
        this.thread = DaemonThreads.create("hast-flush " + resource, this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (pause()) {
            if (link.connected() && dirty.hasUnflushed()) {
                try {
                    device.flushBoth(null).toCompletableFuture().get(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // The extents stay dirty; a failed remote flush has dropped the link already.
                    LOG.fine(() -> "[" + resource + "] Flush of both nodes failed: " + e.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                // This flush or a client's made extents clean: the disk shows it within a second.
                dirty.recordClean();
            } catch (IOException e) {
                // Counted as a write error; the extents stay marked on disk, the safe side.
                LOG.fine(() -> "[" + resource + "] Activemap not written: " + e.getMessage());
            }
        }
    }

    /** Waits one interval; false once closed. */
    private synchronized boolean pause() {
        if (!closed) {
            try {
                wait(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(timeout.get().toMillis() + INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
