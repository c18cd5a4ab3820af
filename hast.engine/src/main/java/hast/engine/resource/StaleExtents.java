package hast.engine.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Logger;

import hast.engine.metadata.MetadataCodec;

/**
 * Extents whose current data only the peer holds: this node's disk failed a write the peer stored,
 * and the client was told success. The list lives in the metadata, written before that answer,
 * so that a crash or a role change still knows: this copy of those extents must not be read,
 * and must be replaced by the peer's before the mark goes.
 *
 * <p>As primary, reads of a stale extent go to the secondary and the synchroniser copies it from
 * there; as secondary, the extents are reported dirty in the handshake, so that the new primary
 * copies them here.
 */
final class StaleExtents {
    private static final Logger LOG = Logger.getLogger(StaleExtents.class.getName());

    private final LocalComponent local;
    private final int extentShift;
    /** As on disk; guarded by {@code this}, which also orders the metadata writes of marks. */
    private final TreeSet<Integer> extents;

    StaleExtents(LocalComponent local) {
        this.local = local;
        this.extentShift = Integer.numberOfTrailingZeros(local.metadata().extentsize());
        this.extents = new TreeSet<>(local.metadata().stale());
    }

    /**
     * Marks the extents of {@code [offset, offset+length)} stale; returns once that is durable.
     *
     * @throws IOException when the metadata cannot be written or the list would grow past
     *                     {@link MetadataCodec#MAX_STALE}: the mark does not exist then
     */
    synchronized void mark(long offset, long length) throws IOException {
        TreeSet<Integer> next = new TreeSet<>(extents);
        for (int e = first(offset); e <= last(offset, length); e++) {
            next.add(e);
        }
        if (next.size() == extents.size()) {
            return;
        }
        if (next.size() > MetadataCodec.MAX_STALE) {
            throw new IOException("the list of extents only the secondary holds is full (" + MetadataCodec.MAX_STALE
                    + " extents)");
        }
        List<Integer> list = List.copyOf(next);
        local.updateMetadata(m -> m.withStale(list));
        extents.addAll(next);
        LOG.warning(() -> "[" + local.resource() + "] Extents " + list + " are current on the secondary only.");
    }

    /** Extent {@code e}'s copy from the peer is durable here: the mark goes, on disk. */
    synchronized void cleared(int e) throws IOException {
        if (!extents.contains(e)) {
            return;
        }
        TreeSet<Integer> next = new TreeSet<>(extents);
        next.remove(e);
        List<Integer> list = List.copyOf(next);
        local.updateMetadata(m -> m.withStale(list));
        extents.remove(e);
        LOG.info(() -> "[" + local.resource() + "] Extent " + e + " is current here again.");
    }

    /** Every mark goes: the peer has taken over these extents as dirty ones it copies here. */
    synchronized void clearAll() throws IOException {
        if (!extents.isEmpty()) {
            local.updateMetadata(m -> m.withStale(List.of()));
            extents.clear();
        }
    }

    /** Whether any extent of the range is stale. */
    synchronized boolean covers(long offset, long length) {
        Integer e = extents.ceiling(first(offset));
        return e != null && e <= last(offset, length);
    }

    synchronized boolean contains(int e) {
        return extents.contains(e);
    }

    synchronized List<Integer> list() {
        return new ArrayList<>(extents);
    }

    /** The first byte of the extent after the one holding {@code offset}. */
    long nextBoundary(long offset) {
        return ((offset >>> extentShift) + 1) << extentShift;
    }

    private int first(long offset) {
        return (int) (offset >>> extentShift);
    }

    private int last(long offset, long length) {
        return (int) ((offset + Math.max(length, 1) - 1) >>> extentShift);
    }
}
