package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import hast.api.event.HastEvent;
import hast.api.storage.LocalProvider;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Copies dirty extents from the primary to the secondary, one chunk at a time, while clients go
 * on. An extent becomes clean only when all its chunks were confirmed; a disconnect leaves the
 * rest dirty for the next connection.
 */
final class Synchronizer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Synchronizer.class.getName());
    private static final int CHUNK = PrimaryDevice.MAX_REQUEST;

    private final String resource;
    private final LocalProvider provider;
    private final long localoff;
    private final long datasize;
    private final long extentsize;
    private final DirtyExtents dirty;
    private final SyncFence fence;
    private final RemoteLink link;
    private final PrimaryPairing pairing;
    private final Consumer<HastEvent> events;
    private final Thread thread;
    private boolean requested;
    private volatile boolean closed;
    private volatile long synced;
    private volatile long total;
    private volatile long startedNanos;
    private volatile boolean running;

    Synchronizer(String resource, LocalProvider provider, long localoff, long datasize, long extentsize,
            DirtyExtents dirty, SyncFence fence, RemoteLink link, PrimaryPairing pairing, Consumer<HastEvent> events) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.datasize = datasize;
        this.extentsize = extentsize;
        this.dirty = dirty;
        this.fence = fence;
        this.link = link;
        this.pairing = pairing;
        this.events = events;
        this.thread = new Thread(this::run, "hast-sync " + resource);
        thread.setDaemon(true);
        thread.start();
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
        long done = synced;
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
        total = toGo;
        startedNanos = System.nanoTime();
        synced = 0;
        int extent = dirty.nextSyncExtent(0);
        if (extent < 0) {
            LOG.info(() -> "[" + resource + "] Nodes are in sync.");
        } else {
            LOG.info(() -> "[" + resource + "] Synchronization started. " + toGo + " bytes to go.");
            events.accept(HastEvent.of(HastEvent.SYNCSTART, resource));
        }
        long started = startedNanos;
        try {
            while (extent >= 0 && !closed) {
                copy(extent);
                dirty.synced(extent);
                extent = dirty.nextSyncExtent(extent + 1);
            }
            if (closed || !link.connected()) {
                return false;
            }
            pairing.synchronised();
            if (synced > 0) {
                long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                long bytes = synced;
                LOG.info(() -> "[" + resource + "] Synchronization complete. " + bytes + " bytes synchronized in "
                        + ms + " ms (" + (bytes * 1000 / ms) + " bytes/sec).");
                events.accept(HastEvent.of(HastEvent.SYNCDONE, resource));
            }
            return true;
        } catch (IOException e) {
            long bytes = synced;
            LOG.warning(() -> "[" + resource + "] Synchronization interrupted: " + e.getMessage() + ". " + bytes
                    + " bytes synchronized so far.");
            events.accept(HastEvent.of(HastEvent.SYNCINTR, resource));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Copies one extent, chunk by chunk, with client writes to it held back meanwhile. */
    private void copy(int extent) throws IOException, InterruptedException {
        long start = extent * extentsize;
        long end = Math.min(datasize, start + extentsize);
        fence.enterSync(extent);
        try {
            boolean fromSecondary = pairing.syncFromSecondary();
            for (long offset = start; offset < end; offset += CHUNK) {
                int length = (int) Math.min(CHUNK, end - offset);
                if (fromSecondary) {
                    Frame reply = await(link.send(Frame.Type.READ, Frame.FLAG_SYNC, offset, length, null), offset);
                    if (reply.payloadSize() != length) {
                        throw new IOException("the secondary sent " + reply.payloadSize() + " bytes for " + length);
                    }
                    provider.write(reply.payload(), localoff + offset);
                } else {
                    ByteBuffer chunk = ByteBuffer.allocate(length);
                    provider.read(chunk, localoff + offset);
                    await(link.send(Frame.Type.WRITE, Frame.FLAG_SYNC, offset, length, chunk.flip()), offset);
                }
                synced += length;
            }
        } finally {
            fence.exitSync();
        }
    }

    /** The reply to a synchronisation request, which must have succeeded. */
    private static Frame await(RemoteLink.Pending p, long offset) throws IOException, InterruptedException {
        Frame reply;
        try {
            reply = p.done().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
        if (reply.error() != 0) {
            throw new IOException("the secondary failed at " + offset + " (errno " + reply.error() + ")");
        }
        return reply;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
