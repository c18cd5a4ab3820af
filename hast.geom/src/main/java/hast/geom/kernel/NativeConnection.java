package hast.geom.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.posix.Descriptor;
import hast.posix.Posix;

/**
 * A stream socket made through the C library, so that its descriptor can be handed to the
 * kernel: the JDK's sockets do not give theirs away.
 */
final class NativeConnection implements Connection {
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;

    private final HastAddress peer;
    private final Descriptor socket;
    private volatile boolean open = true;

    private NativeConnection(HastAddress peer, Descriptor socket) {
        this.peer = peer;
        this.socket = socket;
    }

    static NativeConnection connect(HastAddress server) throws IOException {
        SocketAddresses.Native address = SocketAddresses.of(server);
        Descriptor socket = Descriptor.socket(server.toString(), address.family());
        try {
            socket.connect(address.bytes());
            if (address.family() != SocketAddresses.AF_UNIX) {
                // The kernel sends a request's header and payload in separate writes.
                socket.setOption(IPPROTO_TCP, TCP_NODELAY, 1);
            }
            return new NativeConnection(server, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The descriptor, for NBD_SET_SOCK. */
    int descriptor() {
        return socket.fd();
    }

    @Override
    public String peer() {
        return peer.toString();
    }

    @Override
    public InetAddress peerAddress() {
        try {
            return peer.scheme() == HastAddress.Scheme.UDS ? null : InetAddress.getByName(peer.host());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        socket.setTimeout(SOL_SOCKET, SO_RCVTIMEO, timeout.toMillis());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkOpen();
        try {
            return socket.read(dst);
        } catch (Posix.ErrnoException e) {
            if (e.errno() == Posix.EAGAIN) {
                throw new SocketTimeoutException("No data from " + peer + " within the read timeout");
            }
            throw e;
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkOpen();
        return socket.write(src);
    }

    private void checkOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        socket.close();
    }

    @Override
    public String toString() {
        return "native connection to " + peer;
    }
}
