package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Transport;

/**
 * The primary's connection to its secondary: it connects and reconnects, performs the handshake,
 * sends requests and matches replies by sequence number. A peer that stays silent for
 * {@code timeout} (keepalives are answered, so an idle link is never silent that long), or a
 * request unanswered for that long, ends the connection: pending requests then fail, and their
 * extents stay dirty for the next synchronisation.
 */
public final class RemoteLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RemoteLink.class.getName());
    /** Pause between connection attempts. */
    public static final Duration RECONNECT = Duration.ofSeconds(2);

    /** The primary's side of the handshake. */
    public interface Pairing {
        /** What to tell the secondary about this copy (a fresh resuid when never paired). */
        Greeting.Hello hello() throws IOException;

        /** The secondary accepted: adopt counters, merge its activemap; false refuses the pairing. */
        boolean paired(Greeting.Welcome welcome) throws IOException;

        void connected();

        void disconnected();

        /** The secondary refused; {@code splitBrain} when that is why. */
        void refused(String message, boolean splitBrain);
    }

    /** A request on its way: {@code received} for memsync, {@code done} with the reply (its error, its data). */
    /** A connection that passed the handshake, with the writer all its requests go through. */
    private record Session(Connection connection, FrameWriter writer) {
    }

    public record Pending(CompletableFuture<Void> received, CompletableFuture<Frame> done, long sentNanos) {
        static Pending failed(IOException why) {
            return new Pending(CompletableFuture.failedFuture(why), CompletableFuture.failedFuture(why), 0);
        }
    }

    private final String resource;
    private final HastAddress remote;
    private final HastAddress source;
    private final Duration timeout;
    private final Function<HastAddress, Transport> transports;
    private final Pairing pairing;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final Thread guard;
    private volatile Session connection;
    private volatile long lastSendNanos;
    private volatile boolean closed;

    public RemoteLink(String resource, HastAddress remote, HastAddress source, Duration timeout,
            Function<HastAddress, Transport> transports, Pairing pairing) {
        this.resource = resource;
        this.remote = remote;
        this.source = source;
        this.timeout = timeout;
        this.transports = transports;
        this.pairing = pairing;
        this.guard = new Thread(this::guard, "hast-guard " + resource);
        guard.setDaemon(true);
    }

    /**
     * Makes a first connection attempt in the caller's thread (so that a primary learns whether its
     * copy is the newer one before it serves a single read), then keeps the link up in the background.
     */
    public void start() {
        connect();
        guard.start();
    }

    public boolean connected() {
        return connection != null;
    }

    /** Sends a request; when not connected (or the send fails) the request fails at once. */
    public Pending send(Frame.Type type, int flags, long offset, long length, ByteBuffer payload) {
        Session c = connection;
        if (c == null) {
            return Pending.failed(new IOException("not connected to " + remote));
        }
        long n = seq.incrementAndGet();
        Pending p = new Pending(new CompletableFuture<>(), new CompletableFuture<>(), System.nanoTime());
        pending.put(n, p);
        if (connection != c) {
            // Lost a race with a disconnect that has already failed the others.
            pending.remove(n);
            return Pending.failed(new IOException("not connected to " + remote));
        }
        try {
            c.writer().send(Frame.request(type, flags, n, offset, length, payload));
            lastSendNanos = System.nanoTime();
        } catch (IOException e) {
            disconnect(c, "Unable to send request: " + e.getMessage());
        }
        return p;
    }

    /** The guard: (re)connects, sends keepalives when idle, and watches for unanswered requests. */
    private void guard() {
        long keepalive = Math.max(200, Math.min(timeout.toMillis() / 3, 10_000));
        while (!closed) {
            Session c = connection;
            if (c == null) {
                connect();
            } else {
                if (System.nanoTime() - lastSendNanos > TimeUnit.MILLISECONDS.toNanos(keepalive)) {
                    try {
                        c.writer().send(Frame.request(Frame.Type.KEEPALIVE, 0, 0, 0, 0, null));
                        lastSendNanos = System.nanoTime();
                    } catch (IOException e) {
                        disconnect(c, "Unable to send keepalive: " + e.getMessage());
                    }
                }
                long oldest = pending.values().stream().mapToLong(Pending::sentNanos).min().orElse(Long.MAX_VALUE);
                if (oldest != Long.MAX_VALUE && System.nanoTime() - oldest > timeout.toNanos()) {
                    disconnect(c, "No reply for " + timeout.toSeconds() + " s");
                }
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    wait(connection == null ? RECONNECT.toMillis() : keepalive / 2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void connect() {
        Transport transport = transports.apply(remote);
        if (transport == null) {
            return;
        }
        Connection c;
        try {
            c = transport.connect(remote, source, timeout);
        } catch (IOException e) {
            LOG.log(Level.FINE, "[{0}] Unable to connect to {1}: {2}", new Object[] {resource, remote, e.getMessage()});
            return;
        }
        try {
            c.setReadTimeout(timeout);
            Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, pairing.hello().encode()).write(c);
            Frame answer = Frame.read(c);
            if (answer.type() == Frame.Type.REFUSE) {
                String message = answer.payload() == null ? "" : StandardCharsets.UTF_8.decode(answer.payload()).toString();
                c.close();
                pairing.refused(message, answer.flags() == 1);
                return;
            }
            if (answer.type() != Frame.Type.WELCOME || answer.payload() == null) {
                throw new ProtocolException("expected WELCOME, got " + answer.type());
            }
            if (!pairing.paired(Greeting.Welcome.decode(answer.payload()))) {
                c.close();
                return;
            }
        } catch (IOException e) {
            LOG.warning(() -> "[" + resource + "] Handshake with " + remote + " failed: " + e.getMessage());
            close(c);
            return;
        }
        lastSendNanos = System.nanoTime();
        Session session = new Session(c, new FrameWriter(c));
        connection = session;
        Thread receiver = new Thread(() -> receive(session), "hast-recv " + resource);
        receiver.setDaemon(true);
        receiver.start();
        LOG.info(() -> "[" + resource + "] Connected to " + remote + ".");
        pairing.connected();
    }

    private void receive(Session c) {
        FrameReader reader = new FrameReader(c.connection(), false);
        try {
            while (true) {
                Frame f = reader.next();
                switch (f.type()) {
                    case REPLY -> {
                        if (f.seq() != 0) {
                            Pending p = pending.remove(f.seq());
                            if (p == null) {
                                throw new ProtocolException("reply to unknown request " + f.seq());
                            }
                            p.received().complete(null);
                            p.done().complete(f);
                        }
                    }
                    case RECEIVED -> {
                        Pending p = pending.get(f.seq());
                        if (p != null) {
                            p.received().complete(null);
                        }
                    }
                    default -> throw new ProtocolException("unexpected " + f.type() + " from the secondary");
                }
            }
        } catch (IOException e) {
            disconnect(c, e.getMessage());
        }
    }

    private void disconnect(Session c, String why) {
        synchronized (this) {
            if (connection != c) {
                return;
            }
            connection = null;
            notifyAll();
        }
        close(c.connection());
        IOException gone = new IOException("Disconnected from " + remote + ": " + why);
        for (Long n : pending.keySet()) {
            Pending p = pending.remove(n);
            if (p != null) {
                p.received().completeExceptionally(gone);
                p.done().completeExceptionally(gone);
            }
        }
        if (!closed) {
            LOG.warning(() -> "[" + resource + "] Disconnected from " + remote + " (" + why + ").");
        }
        pairing.disconnected();
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Going away anyway.
        }
    }

    /** Ends the connection and stops reconnecting. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        Session c = connection;
        if (c != null) {
            disconnect(c, "role changed");
        }
        try {
            guard.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
