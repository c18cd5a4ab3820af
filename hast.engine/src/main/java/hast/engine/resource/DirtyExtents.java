package hast.engine.resource;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.engine.activemap.ActiveMap;
import hast.engine.activemap.ActiveMapStore;

/**
 * The activemap of a primary resource with its on-disk copy. The lock is held while the bitmap is
 * written, so a request that finds its extent already marked can rely on the mark being on disk
 * before its data is written anywhere.
 */
final class DirtyExtents {
    private static final Logger LOG = Logger.getLogger(DirtyExtents.class.getName());

    private final String resource;
    private final long datasize;
    private final ActiveMap map;
    private final ActiveMapStore store;
    private final Counters counters;

    DirtyExtents(String resource, long datasize, ActiveMap map, ActiveMapStore store, Counters counters) {
        this.resource = resource;
        this.datasize = datasize;
        this.map = map;
        this.store = store;
        this.counters = counters;
    }

    /** Marks the extents of a request dirty, on disk first when the bitmap changes. */
    void begin(long offset, long length) throws IOException {
        synchronized (map) {
            if (map.writeStart(offset, length)) {
                persist();
            }
        }
    }

    /**
     * Ends a request. Unless the secondary confirmed it, its extents are kept for synchronisation:
     * the remote copy may lack it.
     */
    void end(long offset, long length, boolean replicated) {
        synchronized (map) {
            boolean changed = false;
            if (!replicated) {
                changed = map.markForSync(offset, length);
            }
            changed |= map.writeComplete(offset, length);
            if (changed) {
                try {
                    persist();
                } catch (IOException e) {
                    // The request itself succeeded; a failed bitmap write only leaves extents dirty
                    // that could have been clean, so it is counted, not returned.
                    LOG.log(Level.WARNING, "[" + resource + "] Unable to update activemap: " + e.getMessage());
                }
            }
        }
    }

    /** Every extent must be copied (a full synchronisation). */
    void markAllForSync() throws IOException {
        synchronized (map) {
            if (map.markForSync(0, datasize)) {
                persist();
            }
        }
    }

    /** Adds the extents the secondary reported dirty. */
    void merge(byte[] peerImage) throws IOException {
        synchronized (map) {
            if (map.merge(peerImage)) {
                persist();
            }
        }
    }

    /** The next extent to synchronise at or after {@code from}, or -1. */
    int nextSyncExtent(int from) {
        synchronized (map) {
            return map.nextSyncExtent(from);
        }
    }

    /** Extent {@code e} was copied to the secondary. */
    void synced(int e) throws IOException {
        synchronized (map) {
            if (map.syncComplete(e)) {
                persist();
            }
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
        synchronized (map) {
            persist();
        }
    }

    private void persist() throws IOException {
        counters.activemapUpdates.increment();
        try {
            store.write(map.bitmap());
        } catch (IOException e) {
            counters.writeErrors.increment();
            throw e;
        }
    }
}
