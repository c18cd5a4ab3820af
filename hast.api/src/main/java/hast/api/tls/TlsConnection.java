package hast.api.tls;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import hast.api.transport.Connection;

/**
 * A connection carried in TLS records over a plain one by an {@link SSLEngine}: the same blocking
 * byte stream, so that a protocol reads and writes it as it would the plain one (NBD after
 * STARTTLS, the replication link from its first byte). One reader and one writer may use it at
 * once, as the {@link Connection} contract allows. Deadlines keep working: closing this (or the
 * plain connection under it) fails a read or write blocked in the handshake or after.
 */
public final class TlsConnection implements Connection {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final Connection plain;
    private final SSLEngine engine;
    private final Object readLock = new Object();
    /** A lock rather than a monitor: closing sends close_notify only if no write is under way. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Records read and not yet decrypted, ready for more reads (guarded by readLock). */
    private ByteBuffer netIn;
    /** Plaintext decrypted and not yet read, ready for gets (guarded by readLock). */
    private ByteBuffer appIn;
    /** One record being sent (guarded by writeLock). */
    private ByteBuffer netOut;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TlsConnection(Connection plain, SSLEngine engine) {
        this.plain = plain;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(packet);
    }

    /**
     * Runs the TLS handshake on {@code plain}, which nothing else reads or writes meanwhile, as
     * the server or the client that {@code engine} is set up as (see {@link TlsCredentials#engine()}).
     *
     * @throws SSLException when the peer's TLS is refused or refuses ours (no common protocol, a
     *                      certificate that does not verify...)
     */
    public static TlsConnection handshake(Connection plain, SSLEngine engine) throws IOException {
        TlsConnection tls = new TlsConnection(plain, engine);
        engine.beginHandshake();
        tls.handshake();
        return tls;
    }

    private void handshake() throws IOException {
        try {
            steps();
        } catch (SSLException e) {
            tellPeer();
            throw e;
        }
    }

    /**
     * Sends the alert a failed handshake leaves in the engine, if the socket takes it at once: the
     * peer then logs why (an unknown certificate, say) instead of a closed connection.
     */
    private void tellPeer() {
        try {
            netOut.clear();
            engine.wrap(NOTHING, netOut);
            netOut.flip();
            plain.writeAvailable(netOut);
        } catch (IOException | RuntimeException ignored) {
            // The connection is being given up either way.
        }
    }

    private void steps() throws IOException {
        synchronized (readLock) {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> send(NOTHING);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        appIn.compact();
                        try {
                            if (unwrap() < 0) {
                                throw new EOFException("Connection closed by " + plain.peer() + " during the TLS handshake");
                            }
                        } finally {
                            appIn.flip();
                        }
                    }
                    case NEED_TASK -> runTasks();
                    case FINISHED, NOT_HANDSHAKING -> {
                        return;
                    }
                    default -> throw new IllegalStateException("Handshake status " + engine.getHandshakeStatus());
                }
            }
        }
    }

    /** The negotiated protocol and cipher suite, for the log. */
    public String describe() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }

    /**
     * The certificate the peer presented (already verified against the trusted CA), or
     * {@code null} when it presented none.
     */
    public X509Certificate peerCertificate() {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (readLock) {
            if (!appIn.hasRemaining()) {
                appIn.clear();
                int n;
                try {
                    do {
                        n = unwrap();
                    } while (n == 0);
                } finally {
                    appIn.flip();
                }
                if (n < 0) {
                    return -1;
                }
            }
            int n = Math.min(dst.remaining(), appIn.remaining());
            dst.put(appIn.slice().limit(n));
            appIn.position(appIn.position() + n);
            return n;
        }
    }

    /**
     * Decrypts one record into {@code appIn} (in fill mode), reading from the plain connection as
     * needed; answers what the engine needs answered (a key update, say) on the way.
     *
     * @return plaintext bytes added (0 for a record that carried none), or -1 at the end of the stream
     */
    private int unwrap() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK -> {
                    afterEngine(result.getHandshakeStatus());
                    return result.bytesProduced();
                }
                case CLOSED -> {
                    return -1;
                }
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (plain.read(netIn) < 0) {
                        return -1;
                    }
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                default -> throw new IllegalStateException("Unwrap status " + result.getStatus());
            }
        }
    }

    private void afterEngine(HandshakeStatus status) throws IOException {
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
            // A post-handshake message wants an answer (TLS 1.3 key update).
            send(NOTHING);
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int before = src.remaining();
        send(src);
        return before - src.remaining();
    }

    /** Encrypts and sends all of {@code src} (at least one record, so an empty one sends handshake data). */
    private void send(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            do {
                netOut.clear();
                SSLEngineResult result = engine.wrap(src, netOut);
                switch (result.getStatus()) {
                    case OK -> {
                        netOut.flip();
                        plain.writeFully(netOut);
                        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                    }
                    case BUFFER_OVERFLOW -> netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                    case CLOSED -> throw new ClosedChannelException();
                    default -> throw new IllegalStateException("Wrap status " + result.getStatus());
                }
            } while (src.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                    && src == NOTHING && !engine.isOutboundDone());
        } finally {
            writeLock.unlock();
        }
    }

    /** Nothing is sent without possibly waiting: a caller that must not wait writes from another thread instead. */
    @Override
    public int writeAvailable(ByteBuffer src) {
        return 0;
    }

    @Override
    public String peer() {
        return plain.peer();
    }

    @Override
    public InetAddress peerAddress() {
        return plain.peerAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        plain.setReadTimeout(timeout);
    }

    @Override
    public boolean isOpen() {
        return plain.isOpen();
    }

    /**
     * Says close_notify when no write is under way and the socket takes it at once (a peer that
     * stopped reading must not hold up the close), then closes the plain connection.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.closeOutbound();
            if (writeLock.tryLock()) {
                try {
                    netOut.clear();
                    engine.wrap(NOTHING, netOut);
                    netOut.flip();
                    plain.writeAvailable(netOut);
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The connection goes either way; close_notify is a courtesy.
        } finally {
            plain.close();
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        b.flip();
        return bigger.put(b);
    }

    @Override
    public String toString() {
        return plain + " (TLS)";
    }
}
