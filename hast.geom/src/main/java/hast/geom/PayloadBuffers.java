package hast.geom;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import hast.api.DirectMemory;

/**
 * The data buffers of the requests to one export. Large payloads get direct buffers, kept for the
 * next requests: a heap buffer costs a copy on each of its ways (socket to buffer, buffer to disk,
 * buffer to the secondary), which for a 1 MiB write is more than the write itself. Small payloads
 * stay on the heap, where a copy is cheaper than the bookkeeping.
 *
 * <p>Direct buffers come in powers of two from {@link #DIRECT_MIN} up, so that a client sending
 * 256 KiB requests does not hold 1 MiB for each. None is ever dropped while it counts: direct
 * memory is freed only when the collector finds its buffer unreachable, and a 1 GB/s stream of
 * dropped buffers outruns a small heap's collections by hundreds of megabytes. Instead at most
 * {@link #CAPACITY} bytes of direct buffers exist per export; past that, requests use larger idle
 * buffers, idle smaller ones are let go to make room (once per change of the clients' request
 * sizes), or the request waits for a buffer to come back: its connection's reader stops reading,
 * and the client meets TCP back-pressure. (Heap buffers in their place cost nbdcopy, whose four
 * connections keep 256 requests of 256 KiB in flight, three copies and an allocation per request
 * beyond the bound, for no more requests in the device.)
 *
 * <p>Idle buffers go back to the system once the export has been quiet for a while
 * ({@link #releaseIdle}): after a load, up to the whole bound would otherwise stay resident in an
 * idle daemon. The next requests make new ones.
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
    /** What {@link #claim} answers when the room for a new buffer is counted and the buffer must be made. */
    private static final ByteBuffer MAKE = ByteBuffer.allocate(0);

    private final int largest;
    /** Idle buffers by size class: class {@code c} holds buffers of {@code DIRECT_MIN << c} bytes. */
    private final ArrayDeque<ByteBuffer>[] free;
    /** Bytes of every direct buffer made, idle or in use. */
    private long allocated;
    /** Whether a direct buffer was asked for since the last {@link #releaseIdle}. */
    private boolean taken;

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

    /**
     * A buffer of {@code size} bytes, position 0 and limit {@code size}; waits while the bound is
     * reached and no idle buffer can serve or make room.
     */
    ByteBuffer take(int size) throws InterruptedException {
        if (!pooled(size)) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b;
        synchronized (this) {
            while ((b = claim(size)) == null) {
                wait();
            }
        }
        return made(b, size);
    }

    /** As {@link #take}, but {@code null} where it would wait. */
    ByteBuffer tryTake(int size) {
        if (!pooled(size)) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b;
        synchronized (this) {
            b = claim(size);
        }
        return b == null ? null : made(b, size);
    }

    /** Whether a payload of {@code size} bytes gets a pooled direct buffer rather than the heap. */
    private boolean pooled(int size) {
        // A payload over the whole bound (a device whose requests are that large) could never get one.
        return size >= DIRECT_MIN && size <= largest && (long) DIRECT_MIN << sizeClass(size) <= CAPACITY;
    }

    /**
     * Holding the lock: an idle buffer for {@code size} bytes, {@link #MAKE} when there is room to
     * make one (counted already), or {@code null} when neither.
     */
    private ByteBuffer claim(int size) {
        int c = sizeClass(size);
        long bytes = (long) DIRECT_MIN << c;
        taken = true;
        for (int k = c; k < free.length; k++) {
            ByteBuffer idle = free[k].poll();
            if (idle != null) {
                return idle.clear().limit(size);
            }
        }
        // At the bound, idle smaller buffers make room: the clients' request sizes have changed.
        for (int k = 0; k < c && allocated + bytes > CAPACITY; k++) {
            while (!free[k].isEmpty() && allocated + bytes > CAPACITY) {
                allocated -= free[k].poll().capacity();
            }
        }
        if (allocated + bytes > CAPACITY) {
            return null;
        }
        allocated += bytes;
        return MAKE;
    }

    /** The buffer {@link #claim} chose, made outside the lock when it is a new one. */
    private static ByteBuffer made(ByteBuffer claimed, int size) {
        return claimed == MAKE ? ByteBuffer.allocateDirect(DIRECT_MIN << sizeClass(size)).limit(size) : claimed;
    }

    /** Returns a buffer from {@link #take} once nothing uses it any more. */
    void give(ByteBuffer b) {
        if (b == null || !b.isDirect()) {
            return;
        }
        synchronized (this) {
            free[sizeClass(b.capacity())].push(b);
            notifyAll();
        }
    }

    /**
     * Stops counting a buffer from {@link #take} that a stalled disk may still fill or read: it
     * goes with the garbage once that is done, and its room serves the next requests meanwhile.
     */
    void forget(ByteBuffer b) {
        if (b == null || !b.isDirect()) {
            return;
        }
        synchronized (this) {
            allocated -= b.capacity();
            notifyAll();
        }
    }

    /**
     * Frees the idle buffers if no request asked for one since the previous call: called once per
     * quiet period, it frees them after one to two periods without large requests. Buffers in use
     * stay, and come back to the pool as before.
     */
    void releaseIdle() {
        List<ByteBuffer> idle = new ArrayList<>();
        synchronized (this) {
            if (taken) {
                taken = false;
                return;
            }
            for (ArrayDeque<ByteBuffer> sizeClass : free) {
                for (ByteBuffer b = sizeClass.poll(); b != null; b = sizeClass.poll()) {
                    allocated -= b.capacity();
                    idle.add(b);
                }
            }
        }
        idle.forEach(DirectMemory::free);
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
