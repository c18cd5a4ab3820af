package hast.engine.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.HastAddress;
import hast.api.guard.Admission;
import hast.api.guard.HandshakeDeadlines;
import hast.api.guard.RefusalLog;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;
import hast.engine.vm.FatalErrors;

/**
 * Accepts primaries on the {@code listen} addresses. Nothing is read from a peer whose address is
 * not the configured remote of some resource: it is closed at once, refused connections are
 * counted and logged once per address per {@link RefusalLog#INTERVAL}. A known peer gets a
 * place among the connections in handshake ({@link Admission}), a deadline for the whole
 * handshake (the longest timeout of the resources it is the remote of) and a first frame of at
 * most {@link Frame#MAX_GREETING} bytes. The first frame (the CHALLENGE) tells the protocol
 * versions the peer speaks, of which the two nodes must have one in common (the highest is chosen,
 * see {@link ProtocolRange}), and names the resource; the peer must be its configured remote, the
 * resource secondary here, and the peer must pass {@link Authentication}; then its HELLO is read
 * and the connection handed to the resource.
 * Anything else is refused with a reason. A malformed or hostile stream costs its own connection only.
 */
public final class ReplicationListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicationListener.class.getName());

    /** The resources as the listener needs them. */
    public interface Replicas {
        /** The resource called {@code name}, if configured here. */
        Optional<Replica> named(String name);

        /**
         * How long a handshake from {@code peer} may take: the longest timeout of the resources
         * whose configured remote it is; empty when it is the remote of none (a stranger).
         */
        Optional<Duration> handshakeDeadline(InetAddress peer);

        /** The resources whose configured remote {@code peer} is. */
        List<Replica> ofRemote(InetAddress peer);
    }

    /** A resource as the listener needs it. */
    public interface Replica {
        /** The configured remote address, or {@code none}. */
        String remote();

        /** True while the role is secondary. */
        boolean acceptsPrimary();

        /** The role's label, for the refusal message. */
        String role();

        /** The resource's shared-secret now, or null when none is configured. */
        LinkSecret secret();

        /** The resource's link-tls now, or null when the link is plain. */
        LinkTls tls();

        /**
         * A peer at the remote's address failed authentication and was refused (the session
         * serving, if any, is untouched): counted and raised as an event.
         */
        void authenticationFailed(String peer, Authentication.Failed why);

        /**
         * A primary at the remote's address speaks no protocol version in common with this node
         * and is refused ({@code why} says both ranges); the session serving, if any, is untouched.
         *
         * @return whether this is news: false when the last primary was refused for the same
         *         reason (its retries are then logged at debug level only)
         */
        boolean noCommonVersion(String peer, String why);

        /**
         * Runs the handshake and serves the connection, in protocol {@code version}, until it
         * ends; {@code welcomed} runs once the primary has been sent its WELCOME (the handshake
         * deadline no longer applies).
         */
        void attach(Connection connection, int version, Greeting.Hello hello, Runnable welcomed) throws IOException;
    }

    private final Replicas resources;
    /** The protocol versions this node accepts a primary in. */
    private final ProtocolRange spoken;
    private final List<Listener> listeners = new ArrayList<>();
    private final Admission admission;
    private final RefusalLog refusals = new RefusalLog(LOG, RefusalLog.INTERVAL);
    private final HandshakeDeadlines deadlines = new HandshakeDeadlines("Handshake");
    private volatile boolean closed;

    /** @param spoken the protocol versions this node speaks ({@link ProtocolRange#SPOKEN}) */
    public ReplicationListener(Replicas resources, ProtocolRange spoken) {
        this(resources, spoken, Admission.PER_LISTENER, Admission.PER_ADDRESS);
    }

    /** With other limits on the connections in handshake, for tests. */
    ReplicationListener(Replicas resources, ProtocolRange spoken, int perListener, int perAddress) {
        this.resources = resources;
        this.spoken = spoken;
        this.admission = new Admission(perListener, perAddress);
    }

    /** Connections refused before their first frame (unknown address, too many in handshake). */
    public long refused() {
        return refusals.count();
    }

    /**
     * Binds every address without accepting yet (see {@link #serve}); a failure closes what was
     * opened and is reported.
     */
    public void start(List<HastAddress> addresses, Function<HastAddress, Transport> transports) throws IOException {
        for (HastAddress a : addresses) {
            Transport t = transports.apply(a);
            if (t == null) {
                close();
                throw new IOException("No transport for " + a);
            }
            Listener l;
            try {
                l = t.listen(a);
            } catch (IOException e) {
                close();
                throw e;
            }
            listeners.add(l);
            LOG.info(() -> "Listening on address " + l.address() + ".");
        }
    }

    /**
     * Starts accepting on every bound address. The daemon calls this once it has dropped its
     * privileges, so that no peer's bytes are ever handled by a root process; until then
     * connections wait in the kernel's backlog.
     */
    public void serve() {
        for (Listener l : listeners) {
            DaemonThreads.start("hast-listen " + l.address(), () -> accept(l));
        }
    }

    private void accept(Listener l) {
        try {
            while (!closed) {
                Connection c;
                try {
                    c = l.accept();
                } catch (IOException e) {
                    if (!closed) {
                        LOG.severe(() -> "Stopped accepting on " + l.address() + ": " + e.getMessage());
                    }
                    return;
                }
                admit(l, c);
            }
        } catch (OutOfMemoryError e) {
            FatalErrors.report(e);
        }
    }

    /**
     * In the acceptor's thread, before anything is read: a stranger or a peer past its limit is
     * closed here, and costs no thread.
     */
    private void admit(Listener l, Connection c) {
        InetAddress peer = c.peerAddress();
        Optional<Duration> deadline = peer == null ? Optional.empty() : resources.handshakeDeadline(peer);
        Admission.Place place = null;
        String refusal = null;
        if (deadline.isEmpty()) {
            refusal = "not the configured remote of any resource";
        } else {
            try {
                place = admission.admit(peer, "connections in handshake");
            } catch (Admission.Full e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null) {
            refusals.refused(peer, l.address().toString(), refusal);
            HandshakeDeadlines.closeQuietly(c);
            return;
        }
        Admission.Place admitted = place;
        HandshakeDeadlines.Armed armed = deadlines.arm(c, deadline.get());
        DaemonThreads.start("hast-conn " + c.peer(), () -> handle(c, admitted, armed));
    }

    /**
     * Tells TLS from a plain frame by the first byte and, for TLS, runs the handshake with the
     * link-tls of the resources whose remote the peer is, before any frame is read; then
     * {@link #greet}s the peer on the connection it ends up with.
     */
    private void handle(Connection plain, Admission.Place place, HandshakeDeadlines.Armed deadline) {
        Connection c = plain;
        try (place) {
            plain.setReadTimeout(Duration.ZERO);
            ByteBuffer first = ByteBuffer.allocate(1);
            plain.readFully(first);
            c = new Rewound(plain, first.flip());
            LinkTls tls = null;
            if (LinkTls.opensTls(first.get(0))) {
                List<Replica> mine = resources.ofRemote(plain.peerAddress());
                tls = mine.stream().map(Replica::tls).filter(Objects::nonNull).findFirst().orElse(null);
                c = secured(c, tls, mine);
                if (c == null) {
                    return;
                }
            }
            greet(c, tls, place, deadline);
        } catch (IOException e) {
            dropped(plain, e);
        } catch (OutOfMemoryError e) {
            FatalErrors.report(e);
        } finally {
            deadline.disarm();
            HandshakeDeadlines.closeQuietly(c == null ? plain : c);
        }
    }

    /**
     * The TLS handshake of a peer that opened with TLS, under {@code tls} (null: no resource of
     * its address has link-tls here); {@code null} when it is refused, which is logged and
     * reported to each resource concerned (whose session, if any, is untouched).
     */
    private Connection secured(Connection c, LinkTls tls, List<Replica> mine) throws IOException {
        try {
            if (tls == null) {
                throw new Authentication.Failed("tls-on-peer-only", "it opens TLS and no resource whose remote it"
                        + " is has link-tls here; configure link-tls on both nodes or on neither",
                        "This node has no link-tls for the resources of your address; configure link-tls on both"
                                + " nodes or on neither.");
            }
            return tls.accept(c);
        } catch (Authentication.Failed e) {
            LOG.warning(() -> "Authentication of " + c.peer() + " failed (" + e.code() + "): " + e.getMessage()
                    + "; connection refused, the session serving the primary (if any) untouched.");
            for (Replica r : mine) {
                if (tls == null || tls.equals(r.tls())) {
                    r.authenticationFailed(c.peer(), e);
                }
            }
            if (tls == null) {
                // In plain text: the primary finds a frame where the server's TLS answer was due and shows it.
                refuse(c, e.toPeer(), Frame.REFUSED_AUTHENTICATION, spoken.min());
            }
            return null;
        }
    }

    private static void dropped(Connection c, IOException e) {
        // A connection closed under a read (the handshake deadline) has no message of its own.
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        LOG.log(Level.WARNING, "Dropped connection from {0}: {1}", new Object[] {c.peer(), why});
    }

    /**
     * Reads the CHALLENGE, finds the resource, agrees on a protocol version, authenticates the
     * peer, reads its HELLO and hands the connection over; every frame read here is a greeting (at
     * most {@value Frame#MAX_GREETING} bytes). A refusal before a version is agreed is written in
     * the version of the peer's CHALLENGE, which the peer reads whatever else it speaks. Until the
     * peer has authenticated nothing reaches the resource's role: a failed attempt leaves the
     * session serving the primary alone. {@code tls} is the link-tls the connection was secured
     * with (null: plain), which must be the resource's.
     */
    private void greet(Connection c, LinkTls tls, Admission.Place place, HandshakeDeadlines.Armed deadline)
            throws IOException {
        Frame.Opening opening = Frame.readOpening(c);
        Frame first = opening.frame();
        int theirs = opening.version();
        OptionalInt common = spoken.highestCommon(opening.range());
        if (common.isEmpty()) {
            noCommonVersion(c, opening);
            return;
        }
        if (first.type() != Frame.Type.CHALLENGE || first.payload() == null) {
            refuse(c, "Expected CHALLENGE (authentication) as the first frame, got " + first.type() + ".", 0, theirs);
            throw new ProtocolException("expected CHALLENGE, got " + first.type());
        }
        Authentication.Challenge challenge = Authentication.Challenge.decode(first.payload());
        String name = challenge.resource();
        Optional<Replica> target = resources.named(name);
        if (target.isEmpty()) {
            refuse(c, "Resource not configured.", 0, theirs);
            return;
        }
        Replica r = target.get();
        if (!isRemote(r.remote(), c.peerAddress())) {
            LOG.warning(() -> "[" + name + "] Connection from " + c.peer()
                    + " refused: not the configured remote.");
            refuse(c, "No access to the resource.", 0, theirs);
            return;
        }
        if (!r.acceptsPrimary()) {
            refuse(c, "Remote node acts as " + r.role() + " for the resource and not as secondary.", 0, theirs);
            return;
        }
        int version = common.getAsInt();
        if (!authenticated(c, r, challenge, tls, version)) {
            return;
        }
        Frame second = Frame.readGreeting(c, version);
        if (second.type() != Frame.Type.HELLO || second.payload() == null) {
            throw new ProtocolException("expected HELLO, got " + second.type());
        }
        Greeting.Hello hello = Greeting.Hello.decode(second.payload());
        if (!hello.resource().equals(name)) {
            throw new ProtocolException("HELLO for resource " + hello.resource() + " after authenticating for "
                    + name);
        }
        LOG.info(() -> "[" + name + "] Connection from " + c.peer() + ".");
        LOG.log(version < spoken.max() ? Level.INFO : Level.FINE, "[{0}] Protocol version {1} with the primary (this"
                + " node speaks {2}, the primary {3}).", new Object[] {name, version, spoken, opening.range()});
        place.close();
        r.attach(c, version, hello, deadline::disarm);
    }

    /**
     * Refuses a peer that speaks no protocol version in common with this node, in the version of
     * its first frame (which it reads) with this node's versions in the header, and logs it; when
     * that frame is a CHALLENGE from the remote of a resource here, the resource is told too (its
     * status shows it). Its first frame need not be a CHALLENGE: a node older than version 3
     * opens with its HELLO.
     */
    private void noCommonVersion(Connection c, Frame.Opening opening) throws IOException {
        String why = "no common protocol version: the primary speaks " + opening.range() + ", this node " + spoken;
        String resource = "";
        boolean news = true;
        if (opening.frame().type() == Frame.Type.CHALLENGE && opening.frame().payload() != null) {
            String name = Authentication.Challenge.decode(opening.frame().payload()).resource();
            resource = "[" + name + "] ";
            Optional<Replica> target = resources.named(name).filter(r -> isRemote(r.remote(), c.peerAddress()));
            news = target.map(r -> r.noCommonVersion(c.peer(), why)).orElse(true);
        }
        String prefix = resource;
        LOG.log(news ? Level.WARNING : Level.FINE, () -> prefix + "Connection from " + c.peer() + " refused: " + why
                + "; upgrade the node with the older versions.");
        new Frame(Frame.Type.REFUSE, Frame.REFUSED_VERSION, 0, spoken.min(), spoken.max(), 0,
                StandardCharsets.UTF_8.encode("No common protocol version: the secondary speaks " + spoken
                        + ", the primary " + opening.range() + "; upgrade the node with the older versions."))
                .write(c, opening.version());
    }

    /**
     * The secondary's side of {@link Authentication}: answers the challenge, checks the proof.
     * First the connection must be as the resource's link-tls wants it ({@code tls}: what it was
     * secured with). Everything is written in the agreed {@code version}, and the RESPONSE carries
     * the versions this node speaks. A failure is refused with the reason, logged, and reported
     * to the resource.
     */
    private boolean authenticated(Connection c, Replica r, Authentication.Challenge challenge, LinkTls tls,
            int version) throws IOException {
        String name = challenge.resource();
        LinkSecret secret = r.secret();
        byte[] nonce = Authentication.nonce();
        try {
            agreeOnTls(r.tls(), tls);
            Authentication.Response response = Authentication.respond(challenge, secret, nonce);
            new Frame(Frame.Type.RESPONSE, 0, 0, spoken.min(), spoken.max(), 0, response.encode()).write(c, version);
            Frame proof = Frame.readGreeting(c, version);
            if (proof.type() != Frame.Type.PROOF) {
                throw new Authentication.Failed("no-proof", "it sent " + proof.type() + " where its PROOF was due",
                        "Expected PROOF (authentication), got " + proof.type() + ".");
            }
            byte[] bytes = new byte[proof.payloadSize()];
            if (proof.payload() != null) {
                proof.payload().get(bytes);
            }
            Authentication.verifyPrimary(challenge, secret, nonce, bytes);
            return true;
        } catch (Authentication.Failed e) {
            LOG.warning(() -> "[" + name + "] Authentication of " + c.peer() + " failed (" + e.code() + "): "
                    + e.getMessage() + "; connection refused, the session serving the primary (if any) untouched.");
            r.authenticationFailed(c.peer(), e);
            refuse(c, e.toPeer(), Frame.REFUSED_AUTHENTICATION, version);
            return false;
        }
    }

    /** Refuses a connection secured otherwise than the resource's link-tls ({@code wanted}) says. */
    private static void agreeOnTls(LinkTls wanted, LinkTls used) throws Authentication.Failed {
        if (wanted != null && used == null) {
            throw new Authentication.Failed("tls-here-only", "the primary connected without TLS and the resource"
                    + " has link-tls here; configure link-tls on both nodes or on neither",
                    "The secondary requires TLS (link-tls) for this resource and the primary connected without;"
                            + " configure link-tls on both nodes or on neither.");
        }
        if (wanted == null && used != null) {
            throw new Authentication.Failed("tls-on-peer-only", "the primary connected with TLS and the resource"
                    + " has no link-tls here; configure link-tls on both nodes or on neither",
                    "The secondary has no link-tls for this resource; configure link-tls on both nodes or on"
                            + " neither.");
        }
        if (wanted != null && !wanted.equals(used)) {
            throw new Authentication.Failed("tls-mismatch", "the TLS handshake was made with " + used
                    + " (another resource of the same remote) and this resource has " + wanted
                    + "; give the resources of one remote the same link-tls",
                    "The secondary's link-tls differs between resources of this node; see its log.");
        }
    }

    /** Whether {@code peer} is the configured {@code remote} (its address, any port), as in the reference. */
    public static boolean isRemote(String remote, InetAddress peer) {
        if (remote.equals("none") || peer == null) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(HastAddress.parse(remote).host())) {
                if (a.equals(peer)) {
                    return true;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.fine(() -> "Unable to resolve " + remote + ": " + e.getMessage());
        }
        return false;
    }

    /** Refuses a primary, in the protocol {@code version} the handshake agreed on. */
    public static void refuse(Connection c, int version, String message, boolean splitBrain) throws IOException {
        refuse(c, message, splitBrain ? Frame.REFUSED_SPLIT_BRAIN : 0, version);
    }

    private static void refuse(Connection c, String message, int flags, int version) throws IOException {
        new Frame(Frame.Type.REFUSE, flags, 0, 0, 0, 0, StandardCharsets.UTF_8.encode(message)).write(c, version);
    }

    @Override
    public void close() {
        closed = true;
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.fine(() -> "Closing " + l.address() + ": " + e.getMessage());
            }
        }
        listeners.clear();
        deadlines.close();
    }
}
