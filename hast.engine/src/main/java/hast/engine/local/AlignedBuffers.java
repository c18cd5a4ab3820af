package hast.engine.local;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers on an alignment boundary, for direct I/O from buffers that are not on one (heap
 * buffers, and direct buffers from malloc, which aligns to 16 bytes only). Buffers up to
 * {@value #POOLED} bytes are kept for reuse, at most {@value #KEPT} of them: allocating direct
 * memory is slow and freeing it waits for a collection.
 */
final class AlignedBuffers {
    static final int POOLED = 1 << 20;
    static final int KEPT = 16;

    private final int alignment;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    AlignedBuffers(int alignment) {
        this.alignment = alignment;
    }

    /** A buffer of exactly {@code size} bytes (position 0, limit size) starting on the alignment. */
    ByteBuffer take(int size) {
        ByteBuffer b = size <= POOLED ? free.poll() : null;
        if (b != null) {
            kept.decrementAndGet();
        } else {
            int capacity = Math.max(size, POOLED);
            b = ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).limit(capacity).slice();
        }
        return b.clear().limit(size);
    }

    /** Returns a buffer from {@link #take}; the caller no longer uses it. */
    void give(ByteBuffer b) {
        if (b.capacity() == POOLED) {
            if (kept.incrementAndGet() <= KEPT) {
                free.add(b);
            } else {
                kept.decrementAndGet();
            }
        }
    }

    /** Whether {@code b}'s bytes from its position start on the alignment (never true of heap buffers). */
    boolean isAligned(ByteBuffer b) {
        return b.isDirect() && b.alignmentOffset(b.position(), alignment) == 0;
    }
}
