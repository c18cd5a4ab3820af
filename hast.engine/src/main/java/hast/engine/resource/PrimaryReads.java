package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

import hast.api.storage.LocalProvider;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Reads of a primary resource: from the local disk, or from the secondary where only it holds the
 * data (this copy is behind and the extent not copied yet, or the extent is {@linkplain
 * StaleExtents stale} here) or where the local disk fails, as the reference does, unless the
 * secondary's copy of the range is the older one. A read this disk holds past the timeout is
 * handed to the secondary the same way ({@link #takeOver}).
 */
final class PrimaryReads {
    private static final Logger LOG = Logger.getLogger(PrimaryReads.class.getName());
    /** Largest read that lands in a buffer of its own and may be handed to the secondary at its deadline. */
    static final int HANDOVER_MAX = 64 * 1024;
    /** Each pool thread's landing buffer: direct, so that the disk fills it without the JDK's own copy. */
    private static final ThreadLocal<ByteBuffer> LANDING = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(HANDOVER_MAX));

    private final String resource;
    private final LocalProvider provider;
    private final long localoff;
    private final DirtyExtents dirty;
    private final StaleExtents stale;
    private final LocalErrors localErrors;
    private final RemoteLink link;
    private final PrimaryPairing pairing;
    private final Counters counters;

    /** @param link the secondary, or {@code null} when none is configured */
    PrimaryReads(String resource, LocalProvider provider, long localoff, DirtyExtents dirty, StaleExtents stale,
            RemoteLink link, PrimaryPairing pairing, Counters counters, LocalErrors localErrors) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.dirty = dirty;
        this.stale = stale;
        this.localErrors = localErrors;
        this.link = link;
        this.pairing = pairing;
        this.counters = counters;
    }

    /**
     * Fills {@code dst} with the data at user offset {@code offset}.
     *
     * @param watch the request's deadline for this disk, told when it waits for the secondary instead
     */
    void read(long offset, ByteBuffer dst, LocalDeadline.Watch watch) throws IOException {
        if (!stale.covers(offset, dst.remaining())) {
            readRange(offset, dst, watch);
            return;
        }
        // Extent by extent: the stale ones from the secondary, the others wherever they are current.
        int end = dst.limit();
        for (long at = offset; dst.position() < end; ) {
            int length = (int) Math.min(end - dst.position(), stale.nextBoundary(at) - at);
            ByteBuffer piece = dst.duplicate().limit(dst.position() + length);
            readRange(at, piece, watch);
            dst.position(piece.position());
            at += length;
        }
    }

    /**
     * Whether a read of the whole range would come from this disk now: it would not where this
     * copy of an extent is stale, or behind the secondary's and not yet copied.
     */
    boolean servedLocally(long offset, long length) {
        return !stale.covers(offset, length) && !(pairing.syncFromSecondary() && dirty.needsSync(offset, length));
    }

    private void readRange(long offset, ByteBuffer dst, LocalDeadline.Watch watch) throws IOException {
        int start = dst.position();
        if (!servedLocally(offset, dst.remaining())) {
            // This copy is behind and the extent is not copied yet: only the secondary has it.
            if (link == null || !link.connected()) {
                counters.readErrors.increment();
                throw new IOException("extent not yet synchronised from the secondary, which is not connected");
            }
            remoteRead(offset, dst, watch);
            counters.reads.increment();
            return;
        }
        try {
            readLocal(offset, dst, watch);
        } catch (TakenOver e) {
            throw e;
        } catch (IOException e) {
            counters.readErrors.increment();
            localErrors.report("read", e.getMessage());
            if (link == null || !link.connected() || dirty.needsSync(offset, dst.remaining())) {
                // Not there, or its copy of the range is older than this one: an error, not stale data.
                throw e;
            }
            LOG.warning(() -> "[" + resource + "] Local request failed (" + e.getMessage() + "), trying remote node.");
            dst.position(start);
            remoteRead(offset, dst, watch);
        }
        counters.reads.increment();
    }

    /**
     * Reads from this disk. A small read lands in this thread's own buffer first and is copied
     * into {@code dst} only if the deadline has not handed the request to the secondary meanwhile:
     * a disk that wakes up late must not write into a buffer already answered from there. A
     * large one, whose copy would cost more, is read in place and cannot be handed over.
     */
    private void readLocal(long offset, ByteBuffer dst, LocalDeadline.Watch watch) throws IOException {
        if (dst.remaining() > HANDOVER_MAX) {
            provider.read(dst, localoff + offset);
            return;
        }
        ByteBuffer landing = LANDING.get().clear().limit(dst.remaining());
        provider.read(landing, localoff + offset);
        if (!watch.away()) {
            throw new TakenOver();
        }
        try {
            dst.put(landing.flip());
        } finally {
            watch.back();
        }
    }

    /** Fills {@code dst} from the secondary; the deadline does not run meanwhile, and takes nothing over. */
    private void remoteRead(long offset, ByteBuffer dst, LocalDeadline.Watch watch) throws IOException {
        if (!watch.away()) {
            throw new TakenOver();
        }
        try {
            dst.put(fetch(offset, dst.remaining()));
        } finally {
            watch.back();
        }
    }

    private ByteBuffer fetch(long offset, int length) throws IOException {
        try {
            Frame reply = link.send(Frame.Type.READ, 0, offset, length, null).done().get();
            if (reply.error() != 0 || reply.payloadSize() != length) {
                throw new IOException("remote read at " + offset + " failed (errno " + reply.error() + ")");
            }
            return reply.payload();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("remote read at " + offset + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The deadline's {@link LocalDeadline.Fallback} for a read this disk holds: reads the whole
     * request from the secondary where its copy is current, on {@code executor}; {@code null} when
     * it cannot (not connected, a range only this copy holds, or a read too large to have landed
     * apart from {@code dst}).
     *
     * @param start where the request's data begins in {@code dst}
     */
    CompletableFuture<Void> takeOver(long offset, ByteBuffer dst, int start, Executor executor) {
        int length = dst.limit() - start;
        if (length > HANDOVER_MAX || link == null || !link.connected()
                || dirty.needsSync(offset, length) && !pairing.syncFromSecondary()) {
            return null;
        }
        LOG.warning(() -> "[" + resource + "] Local read at " + offset + " stalled; trying remote node.");
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    dst.position(start);
                    dst.put(fetch(offset, length));
                    counters.reads.increment();
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IOException("the resource is no longer primary"));
        }
    }

    /** The read was handed to the secondary at its deadline: this thread must leave its buffer alone. */
    private static final class TakenOver extends IOException {
        private static final long serialVersionUID = 1L;

        TakenOver() {
            super("handed to the secondary at the deadline");
        }
    }
}
