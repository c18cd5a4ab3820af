package hast.geom;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The data buffers of one connection's requests. Large payloads get direct buffers, kept for the
 * next requests: a heap buffer costs a copy on each of its ways (socket to buffer, buffer to disk,
 * buffer to the secondary), which for a 1 MiB write is more than the write itself, while
 * allocating direct memory per request would leave its freeing to the garbage collector. Small
 * payloads stay on the heap, where a copy is cheaper than the bookkeeping.
 */
final class PayloadBuffers {
    /** Smallest payload given a direct buffer. */
    static final int DIRECT_MIN = 64 * 1024;
    /** Direct buffers kept for reuse; more may be in use at once, and are dropped when returned. */
    private static final int KEPT = 16;

    private final int capacity;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    /** @param capacity the largest payload, the device's largest request */
    PayloadBuffers(int capacity) {
        this.capacity = capacity;
    }

    /** A buffer of {@code size} bytes, position 0 and limit {@code size}. */
    ByteBuffer take(int size) {
        if (size < DIRECT_MIN || size > capacity) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b;
        synchronized (this) {
            b = free.poll();
        }
        if (b == null) {
            b = ByteBuffer.allocateDirect(capacity);
        }
        return b.clear().limit(size);
    }

    /** Returns a buffer from {@link #take} once nothing uses it any more. */
    void give(ByteBuffer b) {
        if (b == null || !b.isDirect() || b.capacity() != capacity) {
            return;
        }
        synchronized (this) {
            if (free.size() < KEPT) {
                free.push(b);
            }
        }
    }
}
