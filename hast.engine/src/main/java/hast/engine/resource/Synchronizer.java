package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.event.HastEvent;
import hast.api.storage.LocalProvider;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Copies dirty extents from the primary to the secondary, one chunk at a time, while clients go
 * on. An extent becomes clean only when all its chunks were confirmed; a disconnect leaves the
 * rest dirty for the next connection.
 *
 * <p>The direction is per extent: from the secondary when this copy is the older one (see
 * {@link PrimaryPairing#syncFromSecondary()}) or the extent is {@linkplain StaleExtents stale}
 * here. A stale extent's mark goes only once its copy is written here and flushed.
 *
 * <p>Each extent waits for its turn at the resource's {@linkplain SyncPace pace} before it is
 * fenced, so that neither a rate limit nor a pause holds client writes to an extent back.
 */
final class Synchronizer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Synchronizer.class.getName());
    private static final int CHUNK = PrimaryDevice.MAX_REQUEST;
    /** Synchronisation chunks in flight at once. */
    private static final int WINDOW = 16;
    /** Least time between two progress reports to the secondary. */
    private static final long REPORT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String resource;
    private final LocalProvider provider;
    private final long localoff;
    private final long datasize;
    private final long extentsize;
    private final DirtyExtents dirty;
    private final StaleExtents stale;
    private final SyncFence fence;
    private final RemoteLink link;
    private final PrimaryPairing pairing;
    private final Consumer<HastEvent> events;
    private final SyncPace pace;
    private final Thread thread;
    /** Where the synchronisation thread reads chunks to send; direct, so neither read nor send copies them. */
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    private boolean requested;
    private volatile boolean closed;
    private final AtomicLong synced = new AtomicLong();
    private volatile long total;
    private volatile long startedNanos;
    private volatile boolean running;
    /** When the secondary was last told the progress. */
    private long reportedNanos;

    Synchronizer(String resource, LocalProvider provider, long localoff, long datasize, long extentsize,
            DirtyExtents dirty, StaleExtents stale, SyncFence fence, RemoteLink link, PrimaryPairing pairing,
            Consumer<HastEvent> events, SyncPace pace) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.datasize = datasize;
        this.extentsize = extentsize;
        this.dirty = dirty;
        this.stale = stale;
        this.fence = fence;
        this.link = link;
        this.pairing = pairing;
        this.events = events;
        this.pace = pace;
        this.thread = DaemonThreads.start("hast-sync " + resource, this::run);
    }

    /** A connection was made: start a pass. */
    synchronized void request() {
        requested = true;
        notifyAll();
    }

    boolean running() {
        return running;
    }

    /** The pass under way, or {@code null}. */
    hast.api.control.SyncProgress progress() {
        if (!running) {
            return null;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        long done = synced.get();
        return new hast.api.control.SyncProgress(total, done, elapsed <= 0 ? 0 : done * 1000 / elapsed);
    }

    private void run() {
        while (!closed) {
            synchronized (this) {
                while (!requested && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                requested = false;
            }
            boolean ok;
            running = true;
            try {
                ok = closed || pass();
            } finally {
                running = false;
                pace.passEnded();
            }
            if (!ok && !closed && link.connected()) {
                // A chunk failed while the connection stayed up: its extent is still dirty; try
                // again shortly rather than leave it for the next reconnect.
                synchronized (this) {
                    try {
                        wait(RemoteLink.RECONNECT.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    requested = true;
                }
            }
        }
    }

    /** One pass over the dirty extents; false when it was interrupted. */
    private boolean pass() {
        long toGo = dirty.dirtyBytes();
        pace.passStarted();
        total = toGo;
        startedNanos = System.nanoTime();
        synced.set(0);
        int extent = dirty.nextSyncExtent(0);
        if (extent < 0) {
            LOG.info(() -> "[" + resource + "] Nodes are in sync.");
        } else {
            LOG.info(() -> "[" + resource + "] Synchronization started. " + toGo + " bytes to go.");
            events.accept(HastEvent.of(HastEvent.SYNCSTART, resource));
        }
        long started = startedNanos;
        Window window = new Window();
        try {
            report();
            while (extent >= 0 && !closed && window.failure() == null) {
                if (pace.pauseRequested()) {
                    // Stopped with nothing in flight, so that a paused pass makes no progress at all.
                    window.drain();
                    report();
                    LOG.info(() -> "[" + resource + "] Synchronization paused. " + (total - synced.get())
                            + " bytes to go.");
                    pace.park();
                    if (!closed) {
                        LOG.info(() -> "[" + resource + "] Synchronization resumed.");
                    }
                    continue;
                }
                if (!pace.await(Math.min(extentsize, datasize - extent * extentsize))) {
                    continue;
                }
                copy(extent, window);
                extent = dirty.nextSyncExtent(extent + 1);
                if (System.nanoTime() - reportedNanos > REPORT_NANOS) {
                    report();
                }
            }
            window.drain();
            if (window.failure() != null) {
                throw window.failure();
            }
            if (closed || !link.connected()) {
                return false;
            }
            finish();
            pairing.synchronised();
            if (synced.get() > 0) {
                long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                long bytes = synced.get();
                LOG.info(() -> "[" + resource + "] Synchronization complete. " + bytes + " bytes synchronized in "
                        + ms + " ms (" + (bytes * 1000 / ms) + " bytes/sec).");
                events.accept(HastEvent.of(HastEvent.SYNCDONE, resource));
            }
            return true;
        } catch (IOException e) {
            long bytes = synced.get();
            LOG.warning(() -> "[" + resource + "] Synchronization interrupted: " + e.getMessage() + ". " + bytes
                    + " bytes synchronized so far.");
            events.accept(HastEvent.of(HastEvent.SYNCINTR, resource));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Tells a secondary that wants it how far the pass is; the answer is not waited for (a lost
     * report only leaves its display behind, and the next one or the end puts it right).
     */
    private void report() {
        reportedNanos = System.nanoTime();
        if (pairing.syncReports()) {
            link.send(Frame.Type.SYNC, 0, synced.get(), total, null);
        }
    }

    /**
     * Every chunk of the pass confirmed: the secondary flushes and records its copy consistent,
     * and only once it answered do this node's counters say the two are the same generation. A
     * pass that ends without that answer ends as interrupted, and the next one reports again.
     */
    private void finish() throws IOException, InterruptedException {
        if (!pairing.syncReports()) {
            return;
        }
        reportedNanos = System.nanoTime();
        Frame reply;
        try {
            // The link fails the request when no answer comes within its timeout.
            reply = link.send(Frame.Type.SYNC, Frame.SYNC_FINISHED, synced.get(), total, null).done().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (reply.error() != 0) {
            throw new IOException("the secondary could not record its copy as consistent (errno " + reply.error() + ")");
        }
    }

    /**
     * Chunks in flight across extents, so that the copy streams instead of waiting a round trip
     * per chunk; the first failure ends the pass (its extents stay dirty).
     */
    private static final class Window {
        private final Semaphore chunks = new Semaphore(WINDOW);
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private int extents;

        IOException failure() {
            return failure.get();
        }

        void fail(Throwable t) {
            failure.compareAndSet(null, t instanceof IOException io ? io : new IOException(t.getMessage(), t));
        }

        synchronized void extentStarted() {
            extents++;
        }

        synchronized void extentDone() {
            extents--;
            notifyAll();
        }

        synchronized void drain() throws InterruptedException {
            while (extents > 0) {
                wait();
            }
        }
    }

    /**
     * Copies one extent: client writes to it wait until its chunks are confirmed, then the extent
     * is clean. Chunks are sent without waiting for the previous ones.
     */
    private void copy(int extent, Window window) throws IOException, InterruptedException {
        long start = extent * extentsize;
        long end = Math.min(datasize, start + extentsize);
        boolean repair = stale.contains(extent);
        boolean fromSecondary = repair || pairing.syncFromSecondary();
        fence.enterSync(extent);
        window.extentStarted();
        List<CompletableFuture<Void>> chunks = new ArrayList<>();
        try {
            for (long offset = start; offset < end && window.failure() == null; offset += CHUNK) {
                int length = (int) Math.min(CHUNK, end - offset);
                long at = offset;
                window.chunks.acquire();
                CompletableFuture<Frame> reply;
                if (fromSecondary) {
                    reply = link.send(Frame.Type.READ, Frame.FLAG_SYNC, at, length, null).done();
                } else {
                    // The frame is on the wire when send returns, so one buffer serves every chunk.
                    chunk.clear().limit(length);
                    provider.read(chunk, localoff + at);
                    reply = link.send(Frame.Type.WRITE, Frame.FLAG_SYNC, at, length, chunk.flip()).done();
                }
                chunks.add(reply.thenAccept(f -> store(f, at, length, fromSecondary))
                        .whenComplete((v, t) -> window.chunks.release()));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            window.fail(e);
        }
        CompletableFuture.allOf(chunks.toArray(new CompletableFuture<?>[0])).whenComplete((v, t) -> {
            try {
                if (t != null) {
                    window.fail(t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t);
                } else if (window.failure() == null) {
                    if (repair) {
                        provider.flush();
                        stale.cleared(extent);
                    }
                    dirty.synced(extent);
                }
            } catch (IOException e) {
                window.fail(e);
            } finally {
                // Only now: client writes to the extent wait until its copy is durable here and the mark gone.
                fence.exitSync(extent);
                window.extentDone();
            }
        });
    }

    /** A confirmed chunk: counted, and when it came from the secondary, written here. */
    private void store(Frame reply, long offset, int length, boolean fromSecondary) {
        try {
            if (reply.error() != 0) {
                throw new IOException("the secondary failed at " + offset + " (errno " + reply.error() + ")");
            }
            if (fromSecondary) {
                if (reply.payloadSize() != length) {
                    throw new IOException("the secondary sent " + reply.payloadSize() + " bytes for " + length);
                }
                provider.write(reply.payload(), localoff + offset);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        synced.addAndGet(length);
    }

    /**
     * Pauses the pass under way once its extents in flight are done.
     *
     * @return whether it stopped within {@code millis}; false also when no pass runs
     */
    boolean pause(long millis) throws InterruptedException {
        return pace.pause(millis, this::running);
    }

    /** @return whether the pass was paused */
    boolean resume() {
        return pace.resume();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        pace.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
