package hast.engine.fuzz;

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
 * A connection whose peer sends the given bytes and then closes; what the parser writes back is
 * kept. Reads hand out at most {@code chunk} bytes, so that parsers meet their
 * input in pieces as they do from a socket.
 */
public final class InputConnection implements Connection {
    private final ReadableByteChannel in;
    private final int chunk;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean open = true;

    public InputConnection(byte[] input, int chunk) {
        this.in = Channels.newChannel(new ByteArrayInputStream(input));
        this.chunk = Math.max(1, chunk);
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
    public int write(ByteBuffer src) {
        int n = src.remaining();
        byte[] b = new byte[n];
        src.get(b);
        written.write(b, 0, n);
        return n;
    }

    /** Bytes the parser wrote back. */
    public byte[] written() {
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
