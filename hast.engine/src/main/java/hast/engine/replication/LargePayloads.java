package hast.engine.replication;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import hast.api.DirectMemory;

/**
 * The direct buffers a secondary reads large payloads into, each held by its request until the
 * request is carried out: up to {@code count} of them, made when first needed, so that a session
 * at queue depth 1 keeps one and a burst of large writes can be on the disk at once without a heap
 * copy each. The idle ones are freed when the primary reports its synchronisation finished
 * ({@link #releaseIdle}): its burst of 1 MiB chunks left up to {@code count} megabytes resident in
 * an idle secondary.
 */
final class LargePayloads implements FrameReader.LargeBuffers {
    private final int count;
    /** Guarded by this. */
    private final List<ByteBuffer> made = new ArrayList<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    LargePayloads(int count) {
        this.count = count;
    }

    @Override
    public synchronized ByteBuffer take() throws InterruptedIOException {
        while (free.isEmpty() && made.size() >= count) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while every large-payload buffer is in use");
            }
        }
        if (!free.isEmpty()) {
            return free.pop();
        }
        ByteBuffer b = ByteBuffer.allocateDirect(Frame.MAX_REQUEST_PAYLOAD);
        made.add(b);
        return b;
    }

    /** Frees the idle buffers; those in use come back as before, and later payloads make new ones. */
    void releaseIdle() {
        List<ByteBuffer> idle;
        synchronized (this) {
            idle = List.copyOf(free);
            free.clear();
            // By identity, as in give.
            made.removeIf(b -> idle.stream().anyMatch(i -> i == b));
        }
        idle.forEach(DirectMemory::free);
    }

    /** The request whose payload this is was carried out; a payload not from here is left alone. */
    synchronized void give(ByteBuffer payload) {
        // By identity: buffers with the same content are equal.
        for (ByteBuffer b : made) {
            if (b == payload) {
                free.push(b);
                notifyAll();
                return;
            }
        }
    }
}
