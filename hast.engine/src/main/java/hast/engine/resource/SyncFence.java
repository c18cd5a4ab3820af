package hast.engine.resource;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps synchronisation and client writes out of each other's way, extent by extent: a
 * synchronisation chunk reads the primary's data and sends it, and a client write landing in
 * between would be overwritten on the secondary by the older data. Client writes may overlap
 * each other freely; they only wait for the extent being synchronised, and it waits for them.
 * A verification holds extents the same way, so an extent may be held by two such claims at once.
 */
final class SyncFence {
    private final int extentShift;
    private final Map<Integer, Integer> writers = new HashMap<>();
    /** Claims on each held extent: the synchroniser's and a verification's may overlap. */
    private final Map<Integer, Integer> syncing = new HashMap<>();

    SyncFence(long extentsize) {
        this.extentShift = Long.numberOfTrailingZeros(extentsize);
    }

    synchronized void enterWrite(long offset, long length) throws InterruptedException {
        while (!tryEnterWrite(offset, length)) {
            wait();
        }
    }

    /** Enters like {@link #enterWrite} if no extent of the range is being synchronised, else returns false. */
    synchronized boolean tryEnterWrite(long offset, long length) {
        int first = (int) (offset >>> extentShift);
        int last = (int) ((offset + Math.max(1, length) - 1) >>> extentShift);
        if (anySyncing(first, last)) {
            return false;
        }
        for (int e = first; e <= last; e++) {
            writers.merge(e, 1, Integer::sum);
        }
        return true;
    }

    synchronized void exitWrite(long offset, long length) {
        int first = (int) (offset >>> extentShift);
        int last = (int) ((offset + Math.max(1, length) - 1) >>> extentShift);
        for (int e = first; e <= last; e++) {
            writers.computeIfPresent(e, (k, n) -> n == 1 ? null : n - 1);
        }
        notifyAll();
    }

    private boolean anySyncing(int first, int last) {
        for (int e = first; e <= last; e++) {
            if (syncing.containsKey(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Claims an extent for synchronisation once no client write is in it; new writes wait.
     * Interrupted, it gives the claim up again.
     */
    synchronized void enterSync(int extent) throws InterruptedException {
        syncing.merge(extent, 1, Integer::sum);
        try {
            while (writers.containsKey(extent)) {
                wait();
            }
        } catch (InterruptedException e) {
            exitSync(extent);
            throw e;
        }
    }

    synchronized void exitSync(int extent) {
        syncing.computeIfPresent(extent, (k, n) -> n == 1 ? null : n - 1);
        notifyAll();
    }
}
