package hast.engine.replication;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

import hast.api.transport.Connection;

/**
 * Reads the frames of one connection through a buffer, so that a burst of small frames (the
 * replies to a queue of 4 KiB writes, say) costs one system call instead of two per frame. Only
 * the connection's reader thread uses it.
 */
public final class FrameReader {
    private static final int BUFFER = 256 * 1024;

    private final Connection connection;
    /** The protocol version the connection agreed on: a frame of another is refused. */
    private final int version;
    private final ByteBuffer in;
    /** Where payloads too large for {@code in} are read, or null to copy them. */
    private final LargeBuffers large;

    /**
     * Direct buffers of {@link Frame#MAX_REQUEST_PAYLOAD} bytes for payloads larger than the
     * reader's buffer, which saves the copies a heap buffer costs on the way to disk. The caller
     * decides when a buffer taken may be handed out again.
     */
    @FunctionalInterface
    public interface LargeBuffers {
        /** A buffer for the next large payload, waiting if none may be handed out yet. */
        ByteBuffer take() throws IOException;
    }

    /**
     * A reader that copies payloads larger than its buffer into buffers of their own.
     *
     * @param version the protocol version the connection agreed on
     */
    public FrameReader(Connection connection, int version) {
        this(connection, version, ByteBuffer.allocateDirect(BUFFER), null);
    }

    /**
     * A reader that reads payloads larger than its buffer into buffers from {@code large}.
     *
     * @param version the protocol version the connection agreed on
     */
    public FrameReader(Connection connection, LargeBuffers large, int version) {
        this(connection, version, ByteBuffer.allocateDirect(BUFFER), large);
    }

    /**
     * A reader on another connection with the buffers of {@code done}, a reader nobody reads from
     * any more: the fuzz target reads a stream per input, and setting up a reader's 1.25 MiB of
     * direct buffers each time cost more than reading the stream.
     */
    FrameReader(Connection connection, FrameReader done) {
        this(connection, done.version, done.in, done.large);
    }

    private FrameReader(Connection connection, int version, ByteBuffer in, LargeBuffers large) {
        this.connection = connection;
        this.version = version;
        this.in = in.clear().flip();
        this.large = large;
    }

    /** Whether a whole frame is buffered already, so that {@link #next()} will not wait for the peer. */
    public boolean frameBuffered() {
        if (in.remaining() < Frame.HEADER) {
            return false;
        }
        int size = in.getInt(in.position() + Frame.Header.SIZE_AT);
        return size >= 0 && in.remaining() - Frame.HEADER >= size;
    }

    /** The next frame, waiting for the peer if it is not buffered. */
    public Frame next() throws IOException {
        fill(Frame.HEADER);
        Frame.Header h = Frame.Header.decode(in, connection.peer(), version);
        if (h.size() == 0) {
            return h.with(null);
        }
        // The payload outlives the buffer (it is written to disk, or answered with), so it is copied out.
        if (large == null || h.size() <= BUFFER - Frame.HEADER || h.size() > Frame.MAX_REQUEST_PAYLOAD) {
            return h.with(Frame.readPayload(connection, in, h.size()));
        }
        ByteBuffer payload = large.take().clear().limit(h.size());
        int buffered = Math.min(in.remaining(), h.size());
        payload.put(in.slice().limit(buffered));
        in.position(in.position() + buffered);
        connection.readFully(payload);
        return h.with(payload.flip());
    }

    /** Buffers at least {@code n} bytes, reading as much as the connection has. */
    private void fill(int n) throws IOException {
        if (in.remaining() >= n) {
            return;
        }
        in.compact();
        try {
            while (in.position() < n) {
                if (connection.read(in) < 0) {
                    if (in.position() == 0) {
                        throw new EOFException("Connection closed by " + connection.peer());
                    }
                    throw new ProtocolException("truncated frame from " + connection.peer() + ": " + in.position()
                            + " of " + n + " header bytes");
                }
            }
        } finally {
            in.flip();
        }
    }
}
