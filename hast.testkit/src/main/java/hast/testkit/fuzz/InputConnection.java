package hast.testkit.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

import hast.api.transport.Connection;

/**
 * A connection whose peer sends the given bytes and then closes. Reads hand out at most
 * {@code chunk} bytes, so that a parser meets its input in pieces as it does from a socket.
 * What is written to it is dropped, so that an {@link AllocationBudget} charges only the code
 * under test, unless the connection is {@link #recording()}.
 */
public final class InputConnection implements Connection {
    private final ReadableByteChannel in;
    private final int chunk;
    /** What was written, or null when it is dropped. */
    private final ByteArrayOutputStream written;
    private volatile boolean open = true;

    public InputConnection(byte[] input, int chunk) {
        this(input, chunk, null);
    }

    private InputConnection(byte[] input, int chunk, ByteArrayOutputStream written) {
        this.in = Channels.newChannel(new ByteArrayInputStream(input));
        this.chunk = Math.max(1, chunk);
        this.written = written;
    }

    /** A connection whose peer sends nothing and which keeps what is written: a writer's output, captured. */
    public static InputConnection recording() {
        return new InputConnection(new byte[0], 1, new ByteArrayOutputStream());
    }

    @Override
    public String peer() {
        return "fuzz";
    }

    @Override
    public InetAddress peerAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) {
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer window = dst.slice().limit(Math.min(dst.remaining(), chunk));
        int n = in.read(window);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!open) {
            throw new IOException("closed");
        }
        int n = src.remaining();
        if (written == null) {
            src.position(src.limit());
        } else {
            byte[] b = new byte[n];
            src.get(b);
            written.write(b, 0, n);
        }
        return n;
    }

    /** The bytes written to a {@link #recording()} connection. */
    public byte[] written() {
        if (written == null) {
            throw new IllegalStateException("this connection drops what is written; make it with recording()");
        }
        return written.toByteArray();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
