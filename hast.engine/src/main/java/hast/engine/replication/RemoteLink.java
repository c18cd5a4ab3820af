package hast.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.HastAddress;
import hast.api.guard.WriteDeadline;
import hast.api.transport.Transport;
import hast.engine.codec.PayloadCodec;

/**
 * The primary's connection to its secondary: it connects and reconnects, performs the handshake,
 * sends requests and matches replies by sequence number. A peer that stays silent for
 * {@code timeout} (keepalives are answered, so an idle link is never silent that long), or a
 * request unanswered for that long, ends the connection: pending requests then fail, and their
 * extents stay dirty for the next synchronisation. So does a write to the socket that blocks that
 * long (see {@link WriteDeadline}); and the guard never waits for a sender to finish, so that a
 * peer that stops reading cannot keep it from enforcing the timeout.
 *
 * <p>Data goes encoded as the resource's codecs say, with what the secondary announced it can
 * decode. When the configured checksum is missing here or there, replication pauses (the link is
 * dropped and not made again until it is back) rather than send data the secondary cannot verify.
 *
 * <p>The link holds the session's life (its guard, requests and disconnection); one connection
 * attempt with its handshake is the {@link LinkConnector}'s, reading the replies is the
 * {@link ReplyReceiver}'s, and the requests awaiting them are in {@link AwaitingReply}.
 */
public final class RemoteLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RemoteLink.class.getName());
    /** Pause between connection attempts. */
    public static final Duration RECONNECT = Duration.ofSeconds(2);
    /**
     * Longest pause after refusals: a refusal (split-brain, a foreign resource) waits for an
     * operator, and each attempt would log and raise its events again on both nodes.
     */
    public static final Duration RECONNECT_REFUSED_MAX = Duration.ofSeconds(30);

    /**
     * A request on its way: {@code received} for memsync, {@code done} with the reply (its error,
     * its data, decoded).
     */
    public record Pending(CompletableFuture<Void> received, CompletableFuture<Frame> done, long sentNanos, long offset,
            long length) {
        static Pending failed(IOException why) {
            return new Pending(CompletableFuture.failedFuture(why), CompletableFuture.failedFuture(why), 0, 0, 0);
        }
    }

    private final String resource;
    /** The remote, source and timeout as reloads change them. */
    private final Supplier<LinkEndpoint> endpoint;
    private final Pairing pairing;
    private final PayloadCodec codec;
    private final Runnable codecsChanged = this::codecsChanged;
    private final AwaitingReply pending = new AwaitingReply();
    private final ChecksumPause pause;
    private final LinkConnector connector;
    private final ReplyReceiver receiver;
    private final Thread guard;
    private final WriteDeadline writes;
    private volatile LinkSession connection;
    private volatile long lastSendNanos;
    private volatile boolean closed;
    /** Set for the threads whose requests stay in the writer's buffer for now (see {@link #plug()}). */
    private final ThreadLocal<Boolean> plugged = new ThreadLocal<>();
    /** Disconnections still failing their requests (guarded by this): no handshake until they are done. */
    private int ending;
    /** Completed once the first connection attempt has ended, either way, or the link closed. */
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();

    /**
     * @param endpoint the resource's remote, source and timeout as reloads change them
     * @param secret   the resource's shared-secret as reloads change it (null: none), taken at each connection
     * @param tls      the resource's link-tls as reloads change it (null: a plain link), taken at each connection
     * @param spoken   the protocol versions this node speaks ({@link ProtocolRange#SPOKEN})
     */
    public RemoteLink(String resource, Supplier<LinkEndpoint> endpoint,
            Function<HastAddress, Transport> transports, Supplier<LinkSecret> secret, Supplier<LinkTls> tls,
            Pairing pairing, ProtocolRange spoken, PayloadCodec codec) {
        this.resource = resource;
        this.endpoint = endpoint;
        this.codec = codec;
        this.pause = new ChecksumPause(resource);
        this.connector = new LinkConnector(resource, transports, secret, tls, pairing, spoken, codec, pause);
        this.receiver = new ReplyReceiver(resource, pending, codec, this::disconnect);
        this.pairing = pairing;
        this.guard = DaemonThreads.create("hast-guard " + resource, this::guard);
        this.writes = new WriteDeadline(resource, () -> endpoint.get().timeout());
    }

    /**
     * Keeps the link up in the background, from a first connection attempt on: the caller (a role
     * change) does not wait for a secondary that may take the whole timeout to answer, or never do.
     * See {@link #firstAttempt()} for what must wait.
     */
    public void start() {
        codec.watch(codecsChanged);
        writes.start();
        guard.start();
    }

    /**
     * Completes when the first connection attempt has ended, connected or not (or the link closed).
     * Until then the primary does not know whether the secondary holds newer data, whose extents
     * it must read from there: its device's requests wait for this.
     */
    public CompletionStage<Void> firstAttempt() {
        return firstAttempt;
    }

    public boolean connected() {
        return connection != null;
    }

    /** The protocol version of the connection, or 0 when not connected. */
    public int version() {
        LinkSession c = connection;
        return c == null ? 0 : c.version;
    }

    /** Why replication is paused (a checksum is missing here or on the secondary), or {@code null}. */
    public String paused() {
        return pause.reason();
    }

    /**
     * Ends the current connection, failing its pending requests, and reconnects later: the
     * secondary answered in a way that makes replicating on unsafe.
     */
    public void drop(String why) {
        LinkSession c = connection;
        if (c != null) {
            disconnect(c, why);
        }
    }

    /** Requests sent (or being sent) and not answered yet, synchronisation chunks included. */
    public int pending() {
        return pending.size();
    }

    /** Requests handed to the connection's writer and not written yet. */
    public int queued() {
        LinkSession c = connection;
        return c == null ? 0 : c.writer.queued();
    }

    /** Sends a request; when not connected (or the send fails) the request fails at once. */
    public Pending send(Frame.Type type, int flags, long offset, long length, ByteBuffer payload) {
        LinkSession c = connection;
        if (c == null) {
            return Pending.failed(new IOException("not connected to " + endpoint.get().remote()));
        }
        ByteBuffer wire = payload;
        int wireFlags = flags;
        if (payload != null) {
            try {
                PayloadCodec.Encoded e = codec.encode(payload, c.peer);
                wire = e.payload();
                wireFlags |= e.encoded() ? Frame.FLAG_ENCODED : 0;
            } catch (PayloadCodec.ChecksumUnavailableException e) {
                pause(c, e.getMessage());
                return Pending.failed(e);
            }
        }
        return submit(c, type, wireFlags, offset, length, wire);
    }

    /**
     * From now on the calling thread's requests stay in the connection's buffer, to leave in one
     * write with those that follow: the next request sent by a thread that is not plugged, a
     * keepalive, a full buffer or {@link #unplug()} writes them all. For a caller that has more
     * requests at hand; it must unplug before it waits for anything, replies included.
     */
    public void plug() {
        plugged.set(Boolean.TRUE);
    }

    /** Writes every request held in the connection's buffer, and sends this thread's next ones at once again. */
    public void unplug() {
        plugged.remove();
        LinkSession c = connection;
        if (c != null) {
            try {
                c.writer.flush();
            } catch (IOException e) {
                disconnect(c, "Unable to send requests: " + e.getMessage());
            }
        }
    }

    /**
     * Asks the secondary for the digest of a range of its copy under {@code checksum}; the
     * reply's payload is the digest.
     */
    public Pending digest(long offset, long length, String checksum) {
        LinkSession c = connection;
        if (c == null) {
            return Pending.failed(new IOException("not connected to " + endpoint.get().remote()));
        }
        // The name is not data: it travels as it is, whatever the codecs.
        return submit(c, Frame.Type.DIGEST, 0, offset, length, StandardCharsets.US_ASCII.encode(checksum));
    }

    private Pending submit(LinkSession c, Frame.Type type, int wireFlags, long offset, long length, ByteBuffer wire) {
        Pending p = new Pending(new CompletableFuture<>(), new CompletableFuture<>(), System.nanoTime(), offset, length);
        long n = pending.add(p);
        if (connection != c) {
            // Lost a race with a disconnect that has already failed the others.
            pending.forget(n);
            return Pending.failed(new IOException("not connected to " + endpoint.get().remote()));
        }
        try {
            Frame f = Frame.request(type, wireFlags, n, offset, length, wire);
            if (plugged.get() != null) {
                c.writer.hold(f);
            } else {
                c.writer.send(f);
            }
            lastSendNanos = System.nanoTime();
        } catch (IOException e) {
            disconnect(c, "Unable to send request: " + e.getMessage());
        }
        return p;
    }

    /** The guard: (re)connects, sends keepalives when idle, and watches for unanswered requests. */
    private void guard() {
        while (!closed) {
            LinkSession c = connection;
            LinkEndpoint now = endpoint.get();
            Duration timeout = now.timeout();
            long keepalive = Math.max(200, Math.min(timeout.toMillis() / 3, 10_000));
            if (c == null) {
                connect();
                firstAttempt.complete(null);
            } else if (now.movedFrom(c.endpoint)) {
                disconnect(c, "the configuration moved the remote to " + now.remote()
                        + (now.source() == null ? "" : " from " + now.source()));
                continue;
            } else {
                String blocked = codec.blocker(c.peer);
                if (blocked != null) {
                    // The configuration was reloaded with a checksum that is missing here or there.
                    pause(c, blocked);
                    continue;
                }
                long oldest = pending.oldestSent();
                if (oldest != Long.MAX_VALUE && System.nanoTime() - oldest > timeout.toNanos()) {
                    disconnect(c, "No reply for " + timeout.toSeconds() + " s");
                } else if (System.nanoTime() - lastSendNanos > TimeUnit.MILLISECONDS.toNanos(keepalive)) {
                    // Never waiting for a sender: one blocked by a peer that does not read would hold
                    // the guard too. A link busy writing is not idle anyway.
                    try {
                        if (c.writer.trySend(Frame.request(Frame.Type.KEEPALIVE, 0, 0, 0, 0, null))) {
                            lastSendNanos = System.nanoTime();
                        }
                    } catch (IOException e) {
                        disconnect(c, "Unable to send keepalive: " + e.getMessage());
                    }
                }
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    wait(connection == null ? connector.reconnectPause().toMillis() : keepalive / 2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Waits until no disconnection is failing its requests. A handshake must carry the counters as
     * the last session's failed requests left them: a write acknowledged that the secondary never
     * stored raises localcnt, and a hello sent before that would let the secondary copy its older
     * data over it.
     */
    private synchronized boolean settled() {
        while (ending > 0 && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void connect() {
        if (!settled()) {
            return;
        }
        LinkEndpoint to = endpoint.get();
        LinkSession session = connector.connect(to);
        if (session == null) {
            return;
        }
        lastSendNanos = System.nanoTime();
        synchronized (this) {
            if (closed) {
                // The role changed during the handshake: this link must not come alive again.
                LinkConnector.close(session.connection);
                return;
            }
            writes.watch(session.writer, () -> disconnect(session,
                    "a write to the secondary blocked for more than " + to.timeout().toSeconds() + " s"));
            connection = session;
        }
        DaemonThreads.start("hast-recv " + resource, () -> receiver.receive(session));
        LOG.info(() -> "[" + resource + "] Connected to " + to.remote() + ".");
        connector.logVersion(session);
        pairing.connected();
    }

    /** The codecs of this node changed: pause if the checksum went, tell the secondary, wake a paused link. */
    private void codecsChanged() {
        LinkSession c = connection;
        if (c != null) {
            String blocked = codec.blocker(c.peer);
            if (blocked != null) {
                pause(c, blocked);
            } else {
                try {
                    c.writer.send(Frame.request(Frame.Type.CODECS, 0, 0, 0, 0, codec.decodable().encode()));
                } catch (IOException e) {
                    disconnect(c, "Unable to send the codec list: " + e.getMessage());
                }
            }
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Drops the connection until the checksum is back: extents written meanwhile stay dirty. */
    private void pause(LinkSession c, String why) {
        pause.unblocked(why);
        disconnect(c, "replication paused: " + why);
    }

    private void disconnect(LinkSession c, String why) {
        synchronized (this) {
            if (connection != c) {
                return;
            }
            connection = null;
            ending++;
        }
        try {
            end(c, why);
        } finally {
            synchronized (this) {
                ending--;
                notifyAll();
            }
        }
    }

    /** Fails the session's pending requests (each leaves its trace) and tells the pairing. */
    private void end(LinkSession c, String why) {
        writes.forget(c.writer);
        LinkConnector.close(c.connection);
        pending.failAll(new IOException("Disconnected from " + c.endpoint.remote() + ": " + why));
        if (!closed) {
            LOG.warning(() -> "[" + resource + "] Disconnected from " + c.endpoint.remote() + " (" + why + ").");
        }
        pairing.disconnected();
    }

    /** Ends the connection and stops reconnecting. */
    @Override
    public void close() {
        codec.ignore(codecsChanged);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        firstAttempt.complete(null);
        LinkSession c = connection;
        if (c != null) {
            disconnect(c, "role changed");
        }
        writes.close();
        connector.close();
        try {
            guard.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
