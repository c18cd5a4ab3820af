package hast.engine.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /**
     * Extents of requests whose local write failed and whose fate is not decided yet (the
     * secondary has not answered), with how many such requests each; guarded by {@code this}.
     * They count as stale already: a later write to them must not be acknowledged on the strength
     * of this copy alone, since the secondary's may become the only current one.
     */
    private final Map<Integer, Integer> undecided = new HashMap<>();

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

    /** Whether any extent of the range is stale, or may become so (see {@link Claim}). */
    synchronized boolean covers(long offset, long length) {
        Integer e = extents.ceiling(first(offset));
        if (e != null && e <= last(offset, length)) {
            return true;
        }
        for (int x = first(offset); x <= last(offset, length) && !undecided.isEmpty(); x++) {
            if (undecided.containsKey(x)) {
                return true;
            }
        }
        return false;
    }

    /** What a modifying request may make of its range: see {@link Claim}. */
    Claim claim(long offset, long length) {
        return new Claim(offset, length);
    }

    /**
     * One modifying request's hold on its range. If its local write fails, the range counts as
     * stale from that moment until its fate is decided, so that an overlapping write that follows
     * it cannot be acknowledged on this copy alone; then {@link #secondaryHoldsIt} marks it
     * stale for good, or the request fails and the range is as before.
     */
    final class Claim implements WriteProgressTracker.Rescue {
        private final long offset;
        private final long length;
        private boolean failed;

        private Claim(long offset, long length) {
            this.offset = offset;
            this.length = length;
        }

        /** The local write failed (called before the request releases its place in the write order). */
        void localFailed() {
            synchronized (StaleExtents.this) {
                failed = true;
                for (int e = first(offset); e <= last(offset, length); e++) {
                    undecided.merge(e, 1, Integer::sum);
                }
            }
        }

        @Override
        public void secondaryHoldsIt() throws IOException {
            mark(offset, length);
        }

        /** The request has been answered and has finished on both components. */
        void decided() {
            synchronized (StaleExtents.this) {
                if (!failed) {
                    return;
                }
                for (int e = first(offset); e <= last(offset, length); e++) {
                    undecided.computeIfPresent(e, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        }
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
