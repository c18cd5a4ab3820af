package hast.geom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

import hast.api.transport.Connection;

/**
 * A connection whose client sends the given bytes and then closes; the server's answers are
 * dropped. Reads hand out at most {@code chunk} bytes, so that the server meets its input in
 * pieces as it does from a socket.
 */
final class InputConnection implements Connection {
    private final ReadableByteChannel in;
    private final int chunk;
    private volatile boolean open = true;

    InputConnection(byte[] input, int chunk) {
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
    public int write(ByteBuffer src) throws IOException {
        if (!open) {
            throw new IOException("closed");
        }
        int n = src.remaining();
        src.position(src.limit());
        return n;
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
