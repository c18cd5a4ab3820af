package hast.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import hast.api.guard.WriteDeadline;
import hast.api.transport.Connection;

/**
 * Writes the frames of one connection, header and payload together. A frame is queued, and
 * whichever sender holds the connection writes every frame queued meanwhile in one system call,
 * so many requests in flight share their writes: a sender that had to wait for the connection
 * usually finds its frame written already.
 */
public final class FrameWriter implements WriteDeadline.Writing {
    private static final int BUFFER = 256 * 1024;

    private final Connection connection;
    /** The protocol version the connection agreed on: every frame's header carries it. */
    private final int version;
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();
    /** Guarded by {@code writing}. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    /** When the write to the connection under way began ({@link System#nanoTime()}), or 0 when none is. */
    private volatile long writingSince;

    public FrameWriter(Connection connection, int version) {
        this.connection = connection;
        this.version = version;
    }

    /**
     * Sends a frame. When this returns its payload has been consumed (written, or copied into
     * this writer's buffer and written), so the caller may reuse it.
     *
     * @throws IOException when this call wrote and the connection failed; the frames queued with
     *                     it may be lost, and the caller is expected to drop the connection
     */
    public void send(Frame f) throws IOException {
        queue.add(f);
        writing.lock();
        try {
            appendQueued();
            flush();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Queues a frame as {@link #send} does, but leaves it in this writer's buffer: the next send,
     * {@link #flush()} or full buffer writes it, whoever causes that. Its payload has been consumed
     * when this returns, as with {@link #send}.
     *
     * @throws IOException when the buffer was full and writing it failed, as with {@link #send}
     */
    public void hold(Frame f) throws IOException {
        queue.add(f);
        writing.lock();
        try {
            appendQueued();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Sends a frame unless another sender holds the connection, without waiting for it: for a
     * frame that matters only when nothing else is being written (a keepalive).
     *
     * @return false when the frame was not sent
     */
    public boolean trySend(Frame f) throws IOException {
        if (!writing.tryLock()) {
            return false;
        }
        try {
            queue.add(f);
            appendQueued();
            flush();
            return true;
        } finally {
            writing.unlock();
        }
    }

    /**
     * How long the write to the connection under way has been going on, in nanoseconds; 0 when
     * none is. A peer that stopped reading makes it grow without end.
     */
    @Override
    public long writingFor() {
        long since = writingSince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    /**
     * Buffers a frame without writing it yet, for a single writer that answers a burst of requests
     * and then calls {@link #flush()}.
     */
    public void append(Frame f) throws IOException {
        writing.lock();
        try {
            int payload = f.payloadSize();
            if (out.remaining() < Frame.HEADER + payload) {
                flush();
            }
            f.encodeHeader(out, version);
            if (payload == 0) {
                return;
            }
            if (payload <= out.remaining()) {
                out.put(f.payload().duplicate());
            } else {
                // Too large to stage: the header goes first, then the payload from its own buffer.
                flush();
                write(f.payload().duplicate());
            }
        } finally {
            writing.unlock();
        }
    }

    /** Holding {@code writing}: appends the frames queued by every sender so far, in their order. */
    private void appendQueued() throws IOException {
        for (Frame next = queue.poll(); next != null; next = queue.poll()) {
            append(next);
        }
    }

    @Override
    public String peer() {
        return connection.peer();
    }

    /** Frames waiting for the sender that holds the connection (a moment's count, for hastctl list). */
    public int queued() {
        return queue.size();
    }

    /** Writes what is buffered. */
    public void flush() throws IOException {
        writing.lock();
        try {
            out.flip();
            try {
                write(out);
            } finally {
                out.clear();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Holding {@code writing}: writes all of {@code b}, timed for {@link #writingFor()}. */
    private void write(ByteBuffer b) throws IOException {
        if (!b.hasRemaining()) {
            return;
        }
        writingSince = System.nanoTime();
        try {
            connection.writeFully(b);
        } finally {
            writingSince = 0;
        }
    }
}
