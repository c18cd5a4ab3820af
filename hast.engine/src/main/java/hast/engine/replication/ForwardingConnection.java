package hast.engine.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import hast.api.transport.Connection;

/** A connection that passes every call to another; subclasses change what they need (reads, here). */
abstract class ForwardingConnection implements Connection {
    protected final Connection c;

    ForwardingConnection(Connection c) {
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
