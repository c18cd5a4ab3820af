package hast.geom;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The data buffers of the requests to one export. Large payloads get direct buffers, kept for the
 * next requests: a heap buffer costs a copy on each of its ways (socket to buffer, buffer to disk,
 * buffer to the secondary), which for a 1 MiB write is more than the write itself. Small payloads
 * stay on the heap, where a copy is cheaper than the bookkeeping.
 *
 * <p>Direct buffers come in powers of two from {@link #DIRECT_MIN} up, so that a client sending
 * 256 KiB requests does not hold 1 MiB for each. None is ever dropped: direct memory is freed only
 * when the collector finds its buffer unreachable, and a 1 GB/s stream of dropped buffers outruns
 * a small heap's collections by hundreds of megabytes. Instead at most {@link #CAPACITY} bytes of
 * direct buffers exist per export; past that, requests use larger idle buffers, idle smaller
 * ones are let go to make room (once per change of the clients' request sizes), or the heap.
 */
final class PayloadBuffers {
    /** Smallest payload given a direct buffer. */
    static final int DIRECT_MIN = 64 * 1024;
    /**
     * Direct memory an export may hold, in use and idle: nbdcopy's 64 requests of 256 KiB in
     * flight, or 16 of 1 MiB. Twice that bought no throughput and cost as much again in a loaded
     * primary's RSS.
     */
    static final long CAPACITY = 16L << 20;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(DIRECT_MIN);

    private final int largest;
    /** Idle buffers by size class: class {@code c} holds buffers of {@code DIRECT_MIN << c} bytes. */
    private final ArrayDeque<ByteBuffer>[] free;
    /** Bytes of every direct buffer made, idle or in use. */
    private long allocated;

    /** @param largest the largest payload, the device's largest request */
    @SuppressWarnings("unchecked")
    PayloadBuffers(int largest) {
        this.largest = largest;
        int classes = largest < DIRECT_MIN ? 0 : sizeClass(largest) + 1;
        this.free = new ArrayDeque[classes];
        for (int c = 0; c < classes; c++) {
            free[c] = new ArrayDeque<>();
        }
    }

    /** A buffer of {@code size} bytes, position 0 and limit {@code size}. */
    ByteBuffer take(int size) {
        if (size < DIRECT_MIN || size > largest) {
            return ByteBuffer.allocate(size);
        }
        int c = sizeClass(size);
        synchronized (this) {
            for (int k = c; k < free.length; k++) {
                ByteBuffer idle = free[k].poll();
                if (idle != null) {
                    return idle.clear().limit(size);
                }
            }
            // At the bound, idle smaller buffers make room: the clients' request sizes have changed.
            for (int k = 0; k < c && allocated + (DIRECT_MIN << c) > CAPACITY; k++) {
                while (!free[k].isEmpty() && allocated + (DIRECT_MIN << c) > CAPACITY) {
                    allocated -= free[k].poll().capacity();
                }
            }
            if (allocated + (DIRECT_MIN << c) > CAPACITY) {
                return ByteBuffer.allocate(size);
            }
            allocated += DIRECT_MIN << c;
        }
        return ByteBuffer.allocateDirect(DIRECT_MIN << c).limit(size);
    }

    /** Returns a buffer from {@link #take} once nothing uses it any more. */
    void give(ByteBuffer b) {
        if (b == null || !b.isDirect()) {
            return;
        }
        synchronized (this) {
            free[sizeClass(b.capacity())].push(b);
        }
    }

    /** Bytes of direct buffers made so far, idle or in use. */
    synchronized long allocated() {
        return allocated;
    }

    /** The class of the smallest power of two from {@link #DIRECT_MIN} that holds {@code size} bytes. */
    private static int sizeClass(int size) {
        int shift = 32 - Integer.numberOfLeadingZeros(size - 1);
        return Math.max(0, shift - MIN_SHIFT);
    }
}
