package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;

import hast.api.storage.LocalProvider;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Reads of a primary resource: from the local disk, or from the secondary where only it holds the
 * data (this copy is behind and the extent not copied yet, or the extent is {@linkplain
 * StaleExtents stale} here) or where the local disk fails, as the reference does, unless the
 * secondary's copy of the range is the older one.
 */
final class PrimaryReads {
    private static final Logger LOG = Logger.getLogger(PrimaryReads.class.getName());

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

    private void readRange(long offset, ByteBuffer dst, LocalDeadline.Watch watch) throws IOException {
        int start = dst.position();
        if (stale.covers(offset, dst.remaining())
                || pairing.syncFromSecondary() && dirty.needsSync(offset, dst.remaining())) {
            // This copy is behind and the extent is not copied yet: only the secondary has it.
            if (link == null || !link.connected()) {
                counters.readErrors.increment();
                throw new IOException("extent not yet synchronised from the secondary, which is not connected");
            }
            dst.put(remoteRead(offset, dst.remaining(), watch));
            counters.reads.increment();
            return;
        }
        try {
            provider.read(dst, localoff + offset);
        } catch (IOException e) {
            counters.readErrors.increment();
            localErrors.report("read", e.getMessage());
            if (link == null || !link.connected() || dirty.needsSync(offset, dst.remaining())) {
                // Not there, or its copy of the range is older than this one: an error, not stale data.
                throw e;
            }
            LOG.warning(() -> "[" + resource + "] Local request failed (" + e.getMessage() + "), trying remote node.");
            dst.position(start);
            dst.put(remoteRead(offset, dst.remaining(), watch));
        }
        counters.reads.increment();
    }

    private ByteBuffer remoteRead(long offset, int length, LocalDeadline.Watch watch) throws IOException {
        watch.away();
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
        } finally {
            watch.back();
        }
    }
}
