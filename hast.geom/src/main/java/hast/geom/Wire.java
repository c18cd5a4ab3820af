package hast.geom;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

import hast.api.transport.Connection;

/**
 * The reading side of a client connection, buffered so that the many small headers of a busy
 * client cost few system calls. Only the connection's reader thread uses it.
 */
final class Wire {
    private static final int BUFFER = 64 * 1024;

    private final Connection connection;
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();

    Wire(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /**
     * The next message header of {@code n} bytes, valid until the next read.
     *
     * @return {@code null} when the client closed the connection between messages
     * @throws ProtocolException when the connection ends inside the header
     */
    ByteBuffer readHeader(int n) throws IOException {
        if (!fill(n)) {
            if (in.hasRemaining()) {
                throw new ProtocolException("truncated header: " + in.remaining() + " of " + n + " bytes");
            }
            return null;
        }
        ByteBuffer view = in.slice().limit(n);
        in.position(in.position() + n);
        return view;
    }

    /** Fills {@code dst} completely: from the buffer first, then straight from the connection. */
    void readInto(ByteBuffer dst) throws IOException {
        if (in.hasRemaining()) {
            ByteBuffer part = in.slice().limit(Math.min(in.remaining(), dst.remaining()));
            in.position(in.position() + part.remaining());
            dst.put(part);
        }
        connection.readFully(dst);
    }

    /** Discards {@code n} bytes (the payload of a refused write, so the next header is found). */
    void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            int chunk = (int) Math.min(left, BUFFER);
            if (!fill(chunk)) {
                throw new EOFException("Connection closed by " + connection.peer() + " inside a write payload");
            }
            in.position(in.position() + chunk);
            left -= chunk;
        }
    }

    /** Bytes received and not read yet: a client that sent them past STARTTLS did not wait for its reply. */
    int buffered() {
        return in.remaining();
    }

    /** Sends handshake messages; nothing else writes while the handshake runs. */
    void send(ByteBuffer... buffers) throws IOException {
        for (ByteBuffer b : buffers) {
            connection.writeFully(b);
        }
    }

    /** Buffers at least {@code n} bytes; false when the connection ended first. */
    private boolean fill(int n) throws IOException {
        if (in.remaining() >= n) {
            return true;
        }
        in.compact();
        try {
            while (in.position() < n) {
                if (connection.read(in) < 0) {
                    return false;
                }
            }
        } finally {
            in.flip();
        }
        return true;
    }
}
