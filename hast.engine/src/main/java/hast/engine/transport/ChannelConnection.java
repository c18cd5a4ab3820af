package hast.engine.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import hast.api.transport.Connection;

/**
 * A connection over a socket channel of either family. The channel is non-blocking so that reads
 * can time out on Unix-domain sockets too (the JDK has no socket adaptor for those); a call only
 * waits on a selector when the kernel has nothing for it right now, so the common path is one
 * system call.
 */
final class ChannelConnection implements Connection {
    private final SocketChannel channel;
    private final String peer;
    private final InetAddress peerAddress;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private volatile long readTimeoutMillis;
    private Selector readSelector;
    private Selector writeSelector;

    ChannelConnection(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        this.peerAddress = channel.getRemoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        channel.configureBlocking(false);
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public InetAddress peerAddress() {
        return peerAddress;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        readTimeoutMillis = timeout.toMillis();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (readLock) {
            long timeout = readTimeoutMillis;
            long deadline = timeout > 0 ? System.nanoTime() + timeout * 1_000_000 : 0;
            while (true) {
                int n = channel.read(dst);
                if (n != 0 || !dst.hasRemaining()) {
                    return n;
                }
                if (readSelector == null) {
                    readSelector = Selector.open();
                    channel.register(readSelector, SelectionKey.OP_READ);
                }
                long wait = 0;
                if (deadline != 0) {
                    wait = (deadline - System.nanoTime()) / 1_000_000;
                    if (wait <= 0) {
                        throw new SocketTimeoutException("No data from " + peer + " for " + timeout + " ms");
                    }
                }
                await(readSelector, wait);
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (writeLock) {
            int total = 0;
            while (src.hasRemaining()) {
                int n = channel.write(src);
                total += n;
                if (n == 0) {
                    if (writeSelector == null) {
                        writeSelector = Selector.open();
                        channel.register(writeSelector, SelectionKey.OP_WRITE);
                    }
                    await(writeSelector, 0);
                }
            }
            return total;
        }
    }

    @Override
    public int writeAvailable(ByteBuffer src) throws IOException {
        synchronized (writeLock) {
            // The channel is non-blocking: this takes what the socket buffer has room for.
            return channel.write(src);
        }
    }

    /** Waits until the selector's single key is ready, or the connection is closed by another thread. */
    private void await(Selector selector, long millis) throws IOException {
        try {
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
        if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            // Wake a reader or writer blocked in select so it sees the closed channel.
            closeSelector(readSelector);
            closeSelector(writeSelector);
        }
    }

    private static void closeSelector(Selector selector) throws IOException {
        if (selector != null) {
            selector.wakeup();
            selector.close();
        }
    }

    @Override
    public String toString() {
        return peer;
    }
}
