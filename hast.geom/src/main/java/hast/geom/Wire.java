package hast.geom;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import hast.api.transport.Connection;

/**
 * A connection with a read buffer, so that the many small headers of a busy client cost few
 * system calls, and a lock that keeps replies from interleaving.
 */
final class Wire {
    private final Connection connection;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024).flip();
    private final Object writeLock = new Object();

    Wire(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** The next {@code n} bytes as a buffer positioned at 0 (a view of the read buffer when they fit). */
    ByteBuffer read(int n) throws IOException {
        if (n <= in.capacity()) {
            fill(n);
            ByteBuffer view = in.slice().limit(n);
            in.position(in.position() + n);
            return view;
        }
        ByteBuffer dst = ByteBuffer.allocate(n);
        readInto(dst);
        return dst.flip();
    }

    /** Fills {@code dst} completely: from the buffer first, then straight from the connection. */
    void readInto(ByteBuffer dst) throws IOException {
        if (in.hasRemaining()) {
            ByteBuffer part = in.slice().limit(Math.min(in.remaining(), dst.remaining()));
            in.position(in.position() + part.remaining());
            dst.put(part);
        }
        while (dst.hasRemaining()) {
            if (connection.read(dst) < 0) {
                throw new EOFException("Connection closed by " + connection.peer());
            }
        }
    }

    /** Discards {@code n} bytes (the payload of a refused write). */
    void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            int chunk = (int) Math.min(left, in.capacity());
            fill(chunk);
            in.position(in.position() + chunk);
            left -= chunk;
        }
    }

    private void fill(int n) throws IOException {
        if (in.remaining() >= n) {
            return;
        }
        in.compact();
        while (in.position() < n) {
            if (connection.read(in) < 0) {
                in.flip();
                throw new EOFException("Connection closed by " + connection.peer());
            }
        }
        in.flip();
    }

    /** Writes buffers as one message: nothing else is written between them. */
    void write(ByteBuffer... buffers) throws IOException {
        synchronized (writeLock) {
            for (ByteBuffer b : buffers) {
                connection.writeFully(b);
            }
        }
    }
}
