package hast.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 *
 * <p>Headers and small payloads are copied into one buffer; a large payload is not copied but
 * written from its own buffer, gathered with the headers and payloads around it into the same
 * system call (a 1 MiB write costs one {@code writev} of its header and its data, not a write of
 * the 40-byte header and another of the data, nor a copy of the data).
 */
public final class FrameWriter implements WriteDeadline.Writing {
    private static final int BUFFER = 256 * 1024;
    /** Largest payload copied into the buffer; a larger one costs less written from where it is. */
    static final int STAGE_MAX = 16 * 1024;
    /** Buffers gathered into one write at most: large payloads and the stretches of the buffer between them. */
    private static final int GATHER = 64;

    private final Connection connection;
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();
    /** Guarded by {@code writing}: headers and small payloads. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    /**
     * Guarded by {@code writing}: what the next write gathers, in order: stretches of {@code out}
     * and large payloads; {@code out} from {@code staged} on is not in it yet.
     */
    private final ByteBuffer[] gather = new ByteBuffer[GATHER];
    private int gathered;
    private int staged;
    /** When the write to the connection under way began ({@link System#nanoTime()}), or 0 when none is. */
    private volatile long writingSince;

    public FrameWriter(Connection connection) {
        this.connection = connection;
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
            writeQueued();
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
            writeQueued();
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** Holding {@code writing}: writes every queued frame, gathered, before the senders' payloads are theirs again. */
    private void writeQueued() throws IOException {
        for (Frame next = queue.poll(); next != null; next = queue.poll()) {
            stage(next);
        }
        flush();
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
     * and then calls {@link #flush()}. A large payload is written at once, with what is buffered
     * before it: when this returns the payload is consumed, as after {@link #send}.
     */
    public void append(Frame f) throws IOException {
        writing.lock();
        try {
            stage(f);
            if (gathered > 0) {
                flush();
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Holding {@code writing}: adds a frame to the next write, the header and a small payload
     * copied into {@code out}, a large payload by reference (so it must stay untouched until
     * {@link #flush()}). Writes first whatever would not fit.
     */
    private void stage(Frame f) throws IOException {
        int payload = f.payloadSize();
        boolean copied = payload <= STAGE_MAX;
        if (out.remaining() < Frame.HEADER + (copied ? payload : 0) || !copied && gathered + 2 >= GATHER) {
            flush();
        }
        f.encodeHeader(out);
        if (payload == 0) {
            return;
        }
        if (copied) {
            out.put(f.payload().duplicate());
            return;
        }
        gather[gathered++] = out.duplicate().position(staged).limit(out.position());
        gather[gathered++] = f.payload().duplicate();
        staged = out.position();
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
            if (out.position() > staged) {
                gather[gathered++] = out.duplicate().position(staged).limit(out.position());
            }
            try {
                write();
            } finally {
                Arrays.fill(gather, 0, gathered, null);
                gathered = 0;
                staged = 0;
                out.clear();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Holding {@code writing}: writes all that is gathered, timed for {@link #writingFor()}. */
    private void write() throws IOException {
        if (gathered == 0) {
            return;
        }
        writingSince = System.nanoTime();
        try {
            if (gathered == 1) {
                connection.writeFully(gather[0]);
            } else {
                connection.writeFully(gather, 0, gathered);
            }
        } finally {
            writingSince = 0;
        }
    }
}
