package hast.engine.resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps overlapping writes in the same order on both nodes. The secondary applies requests in the
 * order they arrive, but the primary's local writes run on several threads: two overlapping
 * writes in flight at once could land in one order here and in the other order there, and the
 * copies would differ with both extents clean. A write therefore holds its byte range from just
 * before it is sent until its local write is done, and an overlapping write waits for that.
 * Disjoint writes never wait; overlapping writes in flight together are rare (a client that
 * issues them cannot know which one wins), so the list stays short.
 */
final class WriteOrder {
    /** Ranges held, as {start, end} pairs. */
    private final List<long[]> held = new ArrayList<>();

    /** Holds {@code [offset, offset+length)} if no held range overlaps it; else returns false. */
    synchronized boolean tryHold(long offset, long length) {
        long end = offset + Math.max(1, length);
        for (long[] r : held) {
            if (r[0] < end && offset < r[1]) {
                return false;
            }
        }
        held.add(new long[] {offset, end});
        return true;
    }

    /** Holds the range once no held range overlaps it. */
    synchronized void hold(long offset, long length) throws InterruptedException {
        while (!tryHold(offset, length)) {
            wait();
        }
    }

    /** Releases a range taken by {@link #tryHold} or {@link #hold}. */
    synchronized void release(long offset, long length) {
        long end = offset + Math.max(1, length);
        for (int i = 0; i < held.size(); i++) {
            long[] r = held.get(i);
            if (r[0] == offset && r[1] == end) {
                held.remove(i);
                notifyAll();
                return;
            }
        }
        throw new IllegalStateException("Range [" + offset + ", +" + length + ") is not held");
    }
}
