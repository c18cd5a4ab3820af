package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.HastAddress;
import hast.api.guard.HandshakeDeadlines;
import hast.api.guard.WriteDeadline;
import hast.api.transport.Connection;
import hast.api.transport.Transport;
import hast.engine.codec.CodecSet;
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

    /** errno of a reply whose data arrived damaged (EBADMSG). */
    static final int EBADMSG = 74;

    /** A connection that passed the handshake, the writer all its requests go through, and what its peer decodes. */
    private static final class Session {
        final Connection connection;
        final FrameWriter writer;
        /** Where the connection was made: a reload that moves the remote ends it. */
        final LinkEndpoint endpoint;
        /** The protocol version the handshake agreed on. */
        final int version;
        volatile CodecSet peer;

        Session(Connection connection, int version, CodecSet peer, LinkEndpoint endpoint) {
            this.connection = connection;
            this.version = version;
            this.writer = new FrameWriter(connection, version);
            this.endpoint = endpoint;
            this.peer = peer;
        }
    }

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
    private final Function<HastAddress, Transport> transports;
    /** The resource's shared-secret as reloads change it, or null for none. */
    private final Supplier<LinkSecret> secret;
    /** The resource's link-tls as reloads change it, or null for a plain link. */
    private final Supplier<LinkTls> tls;
    private final Pairing pairing;
    /** The protocol versions this node offers the secondary. */
    private final ProtocolRange spoken;
    private final PayloadCodec codec;
    private final Runnable codecsChanged = this::codecsChanged;
    private final AwaitingReply pending = new AwaitingReply();
    private final Thread guard;
    private final WriteDeadline writes;
    /** Bounds each whole handshake (twice the timeout: each of its reads has the timeout already). */
    private final HandshakeDeadlines deadlines = new HandshakeDeadlines("Handshake");
    private volatile Session connection;
    private volatile long lastSendNanos;
    private volatile boolean closed;
    /** Disconnections still failing their requests (guarded by this): no handshake until they are done. */
    private int ending;
    /** Why replication is paused for want of a checksum, or {@code null}. */
    private volatile String paused;
    /**
     * Handshakes refused in a row for a reason only an operator can clear (guard thread only); each doubles the next pause.
     */
    private int refusals;
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
        this.spoken = spoken;
        this.secret = secret;
        this.tls = tls;
        this.endpoint = endpoint;
        this.transports = transports;
        this.pairing = pairing;
        this.codec = codec;
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
        Session c = connection;
        return c == null ? 0 : c.version;
    }

    /** Why replication is paused (a checksum is missing here or on the secondary), or {@code null}. */
    public String paused() {
        return paused;
    }

    /**
     * Ends the current connection, failing its pending requests, and reconnects later: the
     * secondary answered in a way that makes replicating on unsafe.
     */
    public void drop(String why) {
        Session c = connection;
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
        Session c = connection;
        return c == null ? 0 : c.writer.queued();
    }

    /** Sends a request; when not connected (or the send fails) the request fails at once. */
    public Pending send(Frame.Type type, int flags, long offset, long length, ByteBuffer payload) {
        Session c = connection;
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
     * Asks the secondary for the digest of a range of its copy under {@code checksum}; the
     * reply's payload is the digest.
     */
    public Pending digest(long offset, long length, String checksum) {
        Session c = connection;
        if (c == null) {
            return Pending.failed(new IOException("not connected to " + endpoint.get().remote()));
        }
        // The name is not data: it travels as it is, whatever the codecs.
        return submit(c, Frame.Type.DIGEST, 0, offset, length, StandardCharsets.US_ASCII.encode(checksum));
    }

    private Pending submit(Session c, Frame.Type type, int wireFlags, long offset, long length, ByteBuffer wire) {
        Pending p = new Pending(new CompletableFuture<>(), new CompletableFuture<>(), System.nanoTime(), offset, length);
        long n = pending.add(p);
        if (connection != c) {
            // Lost a race with a disconnect that has already failed the others.
            pending.forget(n);
            return Pending.failed(new IOException("not connected to " + endpoint.get().remote()));
        }
        try {
            c.writer.send(Frame.request(type, wireFlags, n, offset, length, wire));
            lastSendNanos = System.nanoTime();
        } catch (IOException e) {
            disconnect(c, "Unable to send request: " + e.getMessage());
        }
        return p;
    }

    /** The guard: (re)connects, sends keepalives when idle, and watches for unanswered requests. */
    private void guard() {
        while (!closed) {
            Session c = connection;
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
                    wait(connection == null ? reconnectPause().toMillis() : keepalive / 2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The pause before the next attempt: 2 s, doubled by each such refusal in a row, up to 30 s. */
    private Duration reconnectPause() {
        Duration pause = RECONNECT.multipliedBy(1L << Math.min(refusals, 5));
        return pause.compareTo(RECONNECT_REFUSED_MAX) > 0 ? RECONNECT_REFUSED_MAX : pause;
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
        HastAddress remote = to.remote();
        Duration timeout = to.timeout();
        Transport transport = transports.apply(remote);
        if (transport == null || !unblocked(codec.blocker(null))) {
            return;
        }
        Connection plain;
        Greeting.Accepted accepted;
        try {
            plain = transport.connect(remote, to.source(), timeout);
        } catch (IOException e) {
            LOG.log(Level.FINE, "[{0}] Unable to connect to {1}: {2}", new Object[] {resource, remote, e.getMessage()});
            return;
        }
        // Each read has the timeout; a secondary that drips bytes must not hold the link's guard for longer.
        HandshakeDeadlines.Armed handshake = deadlines.arm(plain, timeout.multipliedBy(2));
        Connection c = plain;
        try {
            LinkTls linkTls = tls.get();
            if (linkTls != null) {
                plain.setReadTimeout(timeout);
                c = linkTls.connect(plain);
            }
            accepted = Greeting.exchange(c, timeout, secret.get(), spoken, pairing.hello(codec.decodable()), pairing);
            handshake.disarm();
            if (accepted == null || !unblocked(codec.blocker(accepted.welcome().codecs()))
                    || !pairing.paired(accepted.welcome())) {
                refusals = accepted == null && pairing.awaitsOperator() ? refusals + 1 : 0;
                c.close();
                return;
            }
        } catch (Authentication.Failed e) {
            close(c);
            pairing.authenticationFailed(e.code(), e.getMessage());
            return;
        } catch (javax.net.ssl.SSLException e) {
            // Under TLS 1.3 the secondary checks our certificate after our side of the handshake is done.
            close(c);
            pairing.authenticationFailed("tls-refused-by-secondary", "the secondary ended TLS: " + e.getMessage()
                    + " (it does not accept this node's certificate?)");
            return;
        } catch (java.io.EOFException e) {
            LOG.warning(() -> "[" + resource + "] Handshake with " + remote + " failed: " + e.getMessage()
                    + " (a secondary speaking an older protocol than version 3 closes so)");
            close(c);
            return;
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            LOG.warning(() -> "[" + resource + "] Handshake with " + remote + " failed: " + why);
            close(c);
            return;
        } finally {
            handshake.disarm();
        }
        lastSendNanos = System.nanoTime();
        refusals = 0;
        Session session = new Session(c, accepted.version(), accepted.welcome().codecs(), to);
        synchronized (this) {
            if (closed) {
                // The role changed during the handshake: this link must not come alive again.
                close(c);
                return;
            }
            writes.watch(session.writer, () -> disconnect(session,
                    "a write to the secondary blocked for more than " + timeout.toSeconds() + " s"));
            connection = session;
        }
        DaemonThreads.start("hast-recv " + resource, () -> receive(session));
        LOG.info(() -> "[" + resource + "] Connected to " + remote + ".");
        logVersion(accepted);
        pairing.connected();
    }

    /** Says which protocol version the pair speaks; at info when it is an older one than ours (an upgrade under way). */
    private void logVersion(Greeting.Accepted accepted) {
        LOG.log(accepted.version() < spoken.max() ? Level.INFO : Level.FINE, "[{0}] Protocol version {1} with the"
                + " secondary (this node speaks {2}, the secondary {3}).",
                new Object[] {resource, accepted.version(), spoken, accepted.peer()});
    }

    private void receive(Session c) {
        FrameReader reader = new FrameReader(c.connection, c.version);
        try {
            while (true) {
                Frame f = reader.next();
                switch (f.type()) {
                    case REPLY -> {
                        if (f.seq() != 0) {
                            Pending p = pending.answered(f.seq());
                            if (p == null) {
                                throw new ProtocolException("reply to unknown request " + f.seq());
                            }
                            p.received().complete(null);
                            p.done().complete(decoded(f, p));
                        }
                    }
                    case CODECS -> {
                        c.peer = CodecSet.decode(f.payload() == null ? ByteBuffer.allocate(0) : f.payload());
                        LOG.fine(() -> "[" + resource + "] The secondary now decodes " + c.peer + ".");
                    }
                    case RECEIVED -> {
                        Pending p = pending.received(f.seq());
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

    /** A reply with its data decoded; one whose data arrived damaged becomes an error reply (EBADMSG). */
    private Frame decoded(Frame f, Pending p) {
        if ((f.flags() & Frame.FLAG_ENCODED) == 0 || f.payload() == null) {
            return f;
        }
        try {
            ByteBuffer data = codec.decode(f.payload(), p.length(), "READ reply at " + p.offset());
            return Frame.reply(Frame.Type.REPLY, f.seq(), f.error(), data);
        } catch (IOException e) {
            return Frame.reply(Frame.Type.REPLY, f.seq(), EBADMSG, null);
        }
    }

    /** The codecs of this node changed: pause if the checksum went, tell the secondary, wake a paused link. */
    private void codecsChanged() {
        Session c = connection;
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
    private void pause(Session c, String why) {
        unblocked(why);
        disconnect(c, "replication paused: " + why);
    }

    /** Records whether replication is blocked by a missing checksum; true when it is not. */
    private boolean unblocked(String blocked) {
        String was = paused;
        paused = blocked;
        if (blocked != null && !blocked.equals(was)) {
            LOG.warning(() -> "[" + resource + "] Replication paused: " + blocked
                    + "; writes stay dirty until it is back.");
        } else if (blocked == null && was != null) {
            LOG.info(() -> "[" + resource + "] Replication resumes (it was paused: " + was + ").");
        }
        return blocked == null;
    }

    private void disconnect(Session c, String why) {
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
    private void end(Session c, String why) {
        writes.forget(c.writer);
        close(c.connection);
        pending.failAll(new IOException("Disconnected from " + c.endpoint.remote() + ": " + why));
        if (!closed) {
            LOG.warning(() -> "[" + resource + "] Disconnected from " + c.endpoint.remote() + " (" + why + ").");
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
        codec.ignore(codecsChanged);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        firstAttempt.complete(null);
        Session c = connection;
        if (c != null) {
            disconnect(c, "role changed");
        }
        writes.close();
        deadlines.close();
        try {
            guard.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
