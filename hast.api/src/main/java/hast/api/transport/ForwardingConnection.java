package hast.api.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection that passes every call to another; a subclass overrides what it changes (a
 * handshake that rewinds, a recorder, a fault injector). @since 1.2
 */
public abstract class ForwardingConnection implements Connection {
    protected final Connection c;

    protected ForwardingConnection(Connection c) {
        this.c = c;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return c.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return c.write(src);
    }

    @Override
    public int writeAvailable(ByteBuffer src) throws IOException {
        return c.writeAvailable(src);
    }

    @Override
    public String peer() {
        return c.peer();
    }

    @Override
    public InetAddress peerAddress() {
        return c.peerAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        c.setReadTimeout(timeout);
    }

    @Override
    public boolean isOpen() {
        return c.isOpen();
    }

    @Override
    public void close() throws IOException {
        c.close();
    }

    @Override
    public String toString() {
        return c.toString();
    }
}
