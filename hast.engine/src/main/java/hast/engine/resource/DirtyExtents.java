package hast.engine.resource;

import java.io.IOException;

import hast.engine.activemap.ActiveMap;
import hast.engine.activemap.ActiveMapStore;

/**
 * The activemap of a primary resource with its on-disk copy.
 *
 * <p>Image writes are group commits: changes are numbered, and a request that needs its mark on
 * disk waits until an image taken after its change is durable. Requests that arrive while an
 * image is being written share the next write instead of each paying a write and a cache flush.
 * A request whose extent is already marked still waits for the image that marked it, so no data
 * is written anywhere before its extent is dirty on disk.
 */
final class DirtyExtents {
    private final String resource;
    private final long datasize;
    private final ActiveMap map;
    private final ActiveMapStore store;
    private final Counters counters;
    /** Guards {@code writing} and announces each image that reached the disk. */
    private final Object commit = new Object();
    /** An image is being written (guarded by {@code commit}). */
    private boolean writing;
    /** Numbered in-memory changes that must reach the disk (guarded by {@code map}). */
    private long changes;
    /** The change number the last image taken covers (guarded by {@code map}). */
    private long imaged;
    /** The change number the image on disk covers. */
    private volatile long durable;
    /** Extents became clean since the last image taken (guarded by {@code map}); see {@link #recordClean}. */
    private boolean cleaned;

    DirtyExtents(String resource, long datasize, ActiveMap map, ActiveMapStore store, Counters counters) {
        this.resource = resource;
        this.datasize = datasize;
        this.map = map;
        this.store = store;
        this.counters = counters;
    }

    /** Marks the extents of a request dirty; returns once the marks are on disk. */
    void begin(long offset, long length) throws IOException {
        persistUpTo(mark(offset, length));
    }

    /**
     * Marks the extents of a request dirty in memory.
     *
     * @return the change that must be {@linkplain #persist durable} before the request touches a disk
     */
    long mark(long offset, long length) {
        synchronized (map) {
            // An extent marked already may be so only in an image still being written: wait for that one.
            return map.writeStart(offset, length) ? ++changes : imaged;
        }
    }

    /** Whether change {@code need} is on disk already, so that {@link #persist} would not wait. */
    boolean isDurable(long need) {
        return durable >= need;
    }

    /** Returns once change {@code need} is on disk, writing an image if no other caller is. */
    void persist(long need) throws IOException {
        persistUpTo(need);
    }

    /**
     * Ends a request. Unless both nodes stored it, its extents are kept for synchronisation:
     * the remote copy may lack it. Otherwise they wait for a flush of both nodes ({@link #flushed}).
     */
    void end(long offset, long length, boolean replicated) {
        synchronized (map) {
            if (!replicated && map.markForSync(offset, length)) {
                ++changes;
            }
            map.writeComplete(offset, length);
        }
    }

    /** A flush of both nodes begins; see {@link ActiveMap#flushBegins()}. */
    long flushBegins() {
        synchronized (map) {
            return map.flushBegins();
        }
    }

    /** Whether some extent waits for a flush of both nodes to become clean. */
    boolean hasUnflushed() {
        synchronized (map) {
            return map.hasUnflushed();
        }
    }

    /**
     * Both nodes completed a flush begun in {@code epoch}: extents written before it become clean.
     * That is recorded on disk lazily, with the next image written for another reason: the disk
     * may show an extent dirty that is clean (it is copied again after a crash), never the reverse.
     */
    void flushed(long epoch) {
        synchronized (map) {
            if (map.flushed(epoch)) {
                ++changes;
                cleaned = true;
            }
        }
    }

    /**
     * Writes an image if extents became clean since the last one. Called once a second at most
     * (see {@link CacheFlusher}), off the requests' path: without it the disk would show them
     * dirty until some request needs a mark, and after a full synchronisation, whose marks cover
     * every extent, no request ever does. A crash of the primary would then copy the whole device
     * again instead of what the keepdirty list and the writes in flight hold.
     */
    void recordClean() throws IOException {
        long need;
        synchronized (map) {
            if (!cleaned) {
                return;
            }
            need = changes;
        }
        persistUpTo(need);
    }

    /**
     * The secondary went away: what it stored but did not flush may be lost with its power, so
     * those extents are copied again. They are marked on disk already (unflushed extents stay in
     * every image), hence no image write here.
     */
    void peerLost() {
        synchronized (map) {
            if (map.unflushedForSync()) {
                ++changes;
            }
        }
    }

    /** Every extent must be copied (a full synchronisation). */
    void markAllForSync() throws IOException {
        markForSync(0, datasize);
    }

    /** The extents of a range must be copied (a verification found them different); returns once that is on disk. */
    void markForSync(long offset, long length) throws IOException {
        long need = 0;
        synchronized (map) {
            if (map.markForSync(offset, length)) {
                need = ++changes;
            }
        }
        persistUpTo(need);
    }

    /** Adds the extents the secondary reported dirty. */
    void merge(byte[] peerImage) throws IOException {
        long need = 0;
        synchronized (map) {
            if (map.merge(peerImage)) {
                need = ++changes;
            }
        }
        persistUpTo(need);
    }

    /** The next extent to synchronise at or after {@code from}, or -1. */
    int nextSyncExtent(int from) {
        synchronized (map) {
            return map.nextSyncExtent(from);
        }
    }

    /** Extent {@code e} was copied to the secondary; a flush of both makes it clean. */
    void synced(int e) {
        synchronized (map) {
            map.syncComplete(e);
        }
    }

    /** Whether any extent of the range waits for synchronisation. */
    boolean needsSync(long offset, long length) {
        synchronized (map) {
            return map.needsSync(offset, length);
        }
    }

    /** Whether any extent waits for synchronisation. */
    boolean needsSync() {
        return nextSyncExtent(0) >= 0;
    }

    long dirtyBytes() {
        synchronized (map) {
            return map.dirtyBytes();
        }
    }

    /** Writes the current image, e.g. before the role is released. */
    void flush() throws IOException {
        long need;
        synchronized (map) {
            need = ++changes;
        }
        persistUpTo(need);
    }

    /**
     * Returns once an image covering change {@code need} is on disk. One caller at a time writes an
     * image, covering every change made so far; the others wait on the commit monitor rather than
     * on the writer's lock, so all those an image satisfies leave together instead of one by one
     * behind the next write.
     */
    private void persistUpTo(long need) throws IOException {
        if (durable >= need) {
            return;
        }
        synchronized (commit) {
            while (durable < need && writing) {
                try {
                    commit.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the activemap", e);
                }
            }
            if (durable >= need) {
                return;
            }
            writing = true;
        }
        long covers = 0;
        try {
            byte[] image;
            synchronized (map) {
                image = map.bitmap();
                covers = changes;
                imaged = covers;
                cleaned = false;
            }
            counters.activemapUpdates.increment();
            store.write(image);
        } catch (IOException e) {
            counters.writeErrors.increment();
            synchronized (map) {
                // Nothing can be assumed of the disk now: every extent counts as unmarked.
                map.diskImageLost();
            }
            covers = 0;
            throw e;
        } finally {
            synchronized (commit) {
                durable = Math.max(durable, covers);
                writing = false;
                commit.notifyAll();
            }
        }
    }
}
