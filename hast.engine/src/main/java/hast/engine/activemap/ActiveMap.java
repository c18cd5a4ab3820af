package hast.engine.activemap;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which extents of a primary resource may differ between the two nodes.
 *
 * <p>An extent is dirty in memory while writes to it are in flight, while it waits for
 * synchronisation, and after both nodes stored its last write until a flush of both made that
 * write durable: a disk's cache may still hold it, and a power cut would lose it on one side. On disk, the image is the dirty extents plus the {@code keepdirty} most
 * recently written ones: keeping hot extents marked spares a bitmap write per request, at the
 * price of copying them again after a crash. The callers decide when to write the image; every
 * method that changes it says whether the disk copy is now stale.
 *
 * <p>Not thread-safe: callers serialise access (and hold the same lock while writing the image).
 */
public final class ActiveMap {
    private final int extentShift;
    private final long extentsize;
    private final int extents;
    private final int mapsize;
    /** Requests in flight per extent. */
    private final int[] inflight;
    private final BitSet memmap = new BitSet();
    private final BitSet syncmap = new BitSet();
    private final BitSet diskmap = new BitSet();
    /** Extents whose writes both nodes stored, and which wait for a flush of both. */
    private final BitSet unflushed = new BitSet();
    /** Per extent: the flush epoch in which its last write finished (valid while unflushed). */
    private final long[] writtenIn;
    /** Writes finishing now belong to this epoch; a flush begun in it covers them. */
    private long epoch = 1;
    private final LinkedHashMap<Integer, Boolean> keepdirty;

    /**
     * @param datasize   bytes of user data covered
     * @param extentsize bytes per extent, a power of two
     * @param mapsize    bytes of the on-disk image
     * @param keepdirty  how many recently written extents stay marked on disk
     */
    public ActiveMap(long datasize, long extentsize, int mapsize, int keepdirty) {
        if (Long.bitCount(extentsize) != 1) {
            throw new IllegalArgumentException("extentsize: " + extentsize + " (expected: a power of two)");
        }
        if (keepdirty <= 0) {
            throw new IllegalArgumentException("keepdirty: " + keepdirty + " (expected: > 0)");
        }
        this.extentShift = Long.numberOfTrailingZeros(extentsize);
        this.extentsize = extentsize;
        this.extents = (int) ((datasize + extentsize - 1) >>> extentShift);
        if ((long) mapsize * 8 < extents) {
            throw new IllegalArgumentException("mapsize: " + mapsize + " bytes cannot hold " + extents + " extents");
        }
        this.mapsize = mapsize;
        this.inflight = new int[extents];
        this.writtenIn = new long[extents];
        this.keepdirty = new LinkedHashMap<>(keepdirty * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                return size() > keepdirty;
            }
        };
    }

    /**
     * A request is about to modify {@code [offset, offset+length)}: its extents become dirty and
     * most recently used.
     *
     * <p>The reference asks for a write when an extent was not in the keepdirty list; this asks
     * when an extent is not marked in the last image taken. That is the same in steady state, saves
     * a write for extents already marked for synchronisation, and does not skip one for an extent
     * that entered the list after the last image was taken.
     *
     * @return true when the on-disk image must be written before the request touches any disk
     */
    public boolean writeStart(long offset, long length) {
        boolean stale = false;
        for (int e = first(offset); e <= last(offset, length); e++) {
            inflight[e]++;
            memmap.set(e);
            keepdirty.put(e, Boolean.TRUE);
            stale |= !diskmap.get(e);
        }
        return stale;
    }

    /**
     * A request started with {@link #writeStart} has finished. Extents with nothing left in
     * flight and nothing to synchronise wait for the next flush of both nodes (see
     * {@link #flushBegins}); they stay dirty until then, so the image does not change here.
     */
    public void writeComplete(long offset, long length) {
        for (int e = first(offset); e <= last(offset, length); e++) {
            if (inflight[e] <= 0) {
                throw new IllegalStateException("writeComplete without writeStart for extent " + e);
            }
            if (--inflight[e] == 0 && !syncmap.get(e)) {
                unflushed.set(e);
                writtenIn[e] = epoch;
            }
        }
    }

    /**
     * A flush of both nodes begins: it will cover the writes finished so far.
     *
     * @return the epoch to hand to {@link #flushed} once both flushes succeeded
     */
    public long flushBegins() {
        return epoch++;
    }

    /** Whether some extent waits for a flush of both nodes. */
    public boolean hasUnflushed() {
        return !unflushed.isEmpty();
    }

    /**
     * Both nodes flushed, in a flush begun in epoch {@code covered}: extents whose last write
     * finished by then are durable on both and become clean, unless written or marked since.
     *
     * @return true when the on-disk image should be written to record extents that became clean
     */
    public boolean flushed(long covered) {
        boolean stale = false;
        for (int e = unflushed.nextSetBit(0); e >= 0; e = unflushed.nextSetBit(e + 1)) {
            if (writtenIn[e] > covered) {
                continue;
            }
            unflushed.clear(e);
            if (inflight[e] == 0 && !syncmap.get(e)) {
                memmap.clear(e);
                stale |= diskmap.get(e) && !keepdirty.containsKey(e);
            }
        }
        return stale;
    }

    /**
     * The secondary is gone before a flush made its copy of some writes durable: it may have lost
     * them (a power cut), so their extents wait for synchronisation.
     *
     * @return true when the on-disk image must be written
     */
    public boolean unflushedForSync() {
        boolean stale = false;
        for (int e = unflushed.nextSetBit(0); e >= 0; e = unflushed.nextSetBit(e + 1)) {
            syncmap.set(e);
            memmap.set(e);
            stale |= !diskmap.get(e);
        }
        unflushed.clear();
        return stale;
    }

    /**
     * The secondary may lack {@code [offset, offset+length)} (it was unreachable, or a component
     * failed): its extents stay dirty until synchronised.
     *
     * @return true when the on-disk image must be written
     */
    public boolean markForSync(long offset, long length) {
        boolean stale = false;
        for (int e = first(offset); e <= last(offset, length); e++) {
            syncmap.set(e);
            memmap.set(e);
            stale |= !diskmap.get(e);
        }
        return stale;
    }

    /** Primary start: every extent marked on disk (a crash's leftovers) needs synchronisation. */
    public void loadFrom(byte[] image) {
        BitSet onDisk = BitSet.valueOf(image);
        onDisk.clear(extents, Math.max(extents, onDisk.length()));
        syncmap.or(onDisk);
        memmap.or(onDisk);
        diskmap.or(onDisk);
    }

    /**
     * Adds the extents the peer reports dirty.
     *
     * @return true when the on-disk image must be written
     */
    public boolean merge(byte[] peerImage) {
        BitSet peer = BitSet.valueOf(peerImage);
        peer.clear(extents, Math.max(extents, peer.length()));
        syncmap.or(peer);
        memmap.or(peer);
        peer.andNot(diskmap);
        return !peer.isEmpty();
    }

    /** Whether any extent of {@code [offset, offset+length)} waits for synchronisation. */
    public boolean needsSync(long offset, long length) {
        int next = syncmap.nextSetBit(first(offset));
        return next >= 0 && next <= last(offset, length);
    }

    /** The first extent waiting for synchronisation at or after {@code from}, or -1. */
    public int nextSyncExtent(int from) {
        if (from < 0) {
            throw new IllegalArgumentException("Extent " + from + " is negative");
        }
        int e = syncmap.nextSetBit(from);
        return e < extents ? e : -1;
    }

    /**
     * Extent {@code e} has been copied to the secondary. Like a finished write, it waits for a
     * flush of both nodes to become clean, so the image does not change here.
     */
    public void syncComplete(int e) {
        if (e < 0 || e >= extents) {
            throw new IllegalArgumentException("Extent " + e + " is outside the " + extents + " extents");
        }
        syncmap.clear(e);
        if (inflight[e] == 0) {
            // The copy is in the secondary's cache, as a client's write would be: a flush makes it clean.
            unflushed.set(e);
            writtenIn[e] = epoch;
        }
    }

    /**
     * The image to write at the activemap's place on disk: dirty extents and recently written
     * ones, one bit per extent, least significant bit first. Callers write it right away; it is
     * recorded as the disk's image.
     */
    public byte[] bitmap() {
        BitSet image = (BitSet) memmap.clone();
        image.or(syncmap);
        for (int e : keepdirty.keySet()) {
            image.set(e);
        }
        diskmap.clear();
        diskmap.or(image);
        byte[] bytes = new byte[mapsize];
        byte[] set = image.toByteArray();
        System.arraycopy(set, 0, bytes, 0, set.length);
        return bytes;
    }

    /** The last image may not have reached the disk: treat every extent as unmarked there. */
    public void diskImageLost() {
        diskmap.clear();
    }

    /** Bytes in extents dirty in memory (in flight, waiting for synchronisation or for a flush). */
    public long dirtyBytes() {
        return (long) memmap.cardinality() * extentsize;
    }

    /** Extents covering the data. */
    public int extents() {
        return extents;
    }

    private int first(long offset) {
        check(offset, 0);
        return (int) (offset >>> extentShift);
    }

    private int last(long offset, long length) {
        check(offset, length);
        return (int) ((offset + Math.max(length, 1) - 1) >>> extentShift);
    }

    private void check(long offset, long length) {
        long covered = (long) extents << extentShift;
        if (offset < 0 || length < 0 || offset >= covered || length > covered - offset) {
            throw new IllegalArgumentException("Range [" + offset + ", +" + length + ") is outside " + extents
                    + " extents of " + extentsize + " bytes");
        }
    }
}
