package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.ForwardingConnection;
import hast.api.transport.Listener;
import hast.engine.codec.CodecSet;
import hast.engine.replication.Authentication;
import hast.engine.replication.Frame;
import hast.engine.replication.Greeting;
import hast.engine.replication.ProtocolRange;
import hast.engine.replication.SyncDecision;
import hast.engine.transport.TcpTransport;

/**
 * A secondary that pairs with any primary and then never reads again, while it keeps the
 * connection looking alive: it sends keepalive answers one byte at a time, a few bytes a second.
 * The worst a peer can do to a primary's senders: their writes block once the socket buffers
 * are full, and the primary never sees a silent connection.
 */
final class StalledSecondary implements AutoCloseable {
    private static final Duration BYTE_PACE = Duration.ofMillis(100);

    private final Listener listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private volatile boolean closed;

    StalledSecondary() throws IOException {
        listener = new TcpTransport().listen(HastAddress.parse("tcp4://127.0.0.1:0"));
        Thread acceptor = new Thread(this::accept, "stalled-secondary " + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.address().port();
    }

    /** Primaries welcomed so far. */
    int handshakes() {
        return handshakes.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Connection c = listener.accept();
                connections.add(c);
                Thread t = new Thread(() -> serve(c), "stalled-secondary " + c.peer());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Connection c) {
        try {
            // The authentication, without a secret: the primary has none either.
            Authentication.Challenge challenge = Authentication.Challenge.decode(Frame.read(c, ProtocolRange.SPOKEN.max()).payload());
            Frame.reply(Frame.Type.RESPONSE, 0, 0,
                    Authentication.respond(challenge, null, Authentication.nonce()).encode()).write(c, ProtocolRange.SPOKEN.max());
            Frame.read(c, ProtocolRange.SPOKEN.max());
            Greeting.Hello hello = Greeting.Hello.decode(Frame.read(c, ProtocolRange.SPOKEN.max()).payload());
            // Whatever the counters say: "copy everything to me", so that the primary has plenty to send.
            Greeting.Welcome welcome = new Greeting.Welcome(SyncDecision.FULL_FROM_PRIMARY, false, hello.resuid(),
                    hello.remotecnt(), hello.localcnt(), hello.datasize(), hello.extentsize(), new byte[0],
                    CodecSet.PLAIN, false);
            Frame.reply(Frame.Type.WELCOME, 0, 0, welcome.encode()).write(c, ProtocolRange.SPOKEN.max());
            handshakes.incrementAndGet();
            Connection trickle = new Trickle(c);
            while (!closed) {
                Frame.reply(Frame.Type.REPLY, 0, 0, null).write(trickle, ProtocolRange.SPOKEN.max());
            }
        } catch (IOException e) {
            // The primary gave up on us, or the test is over.
        } finally {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
    }

    /** Writes through to a connection one byte at a time, at {@link #BYTE_PACE}. */
    private static final class Trickle extends ForwardingConnection {
        Trickle(Connection target) {
            super(target);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = 0;
            while (src.hasRemaining()) {
                ByteBuffer one = src.slice().limit(1);
                c.writeFully(one);
                src.position(src.position() + 1);
                n++;
                try {
                    TimeUnit.NANOSECONDS.sleep(BYTE_PACE.toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            return n;
        }

        @Override
        public int writeAvailable(ByteBuffer src) throws IOException {
            return write(src);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Connection c : connections) {
            c.close();
        }
    }
}
