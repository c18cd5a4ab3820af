package hast.engine.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;
import hast.engine.vm.FatalErrors;

/**
 * Accepts primaries on the {@code listen} addresses. Nothing is read from a peer whose address is
 * not the configured remote of some resource: it is closed at once, refused connections are
 * counted and logged once per address per {@link #REFUSAL_LOG_INTERVAL}. A known peer gets a
 * place among the connections in handshake ({@link Admission}), a deadline for the whole
 * handshake (the longest timeout of the resources it is the remote of) and a first frame of at
 * most {@link Frame#MAX_GREETING} bytes. The first frame names the resource; the connection is
 * handed to that resource if it is secondary here and the peer is its configured remote, and
 * refused with a reason otherwise. A malformed or hostile stream costs its own connection only.
 */
public final class ReplicationListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicationListener.class.getName());
    /** How often refusals of one address are logged (each is counted). */
    static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

    /** The resources as the listener needs them. */
    public interface Replicas {
        /** The resource called {@code name}, if configured here. */
        Optional<Replica> named(String name);

        /**
         * How long a handshake from {@code peer} may take: the longest timeout of the resources
         * whose configured remote it is; empty when it is the remote of none (a stranger).
         */
        Optional<Duration> handshakeDeadline(InetAddress peer);
    }

    /** A resource as the listener needs it. */
    public interface Replica {
        /** The configured remote address, or {@code none}. */
        String remote();

        /** True while the role is secondary. */
        boolean acceptsPrimary();

        /** The role's label, for the refusal message. */
        String role();

        /**
         * Runs the handshake and serves the connection until it ends; {@code welcomed} runs once
         * the primary has been sent its WELCOME (the handshake deadline no longer applies).
         */
        void attach(Connection connection, Greeting.Hello hello, Runnable welcomed) throws IOException;
    }

    private final Replicas resources;
    private final List<Listener> listeners = new ArrayList<>();
    private final Admission admission;
    private final RefusalLog refusals = new RefusalLog(REFUSAL_LOG_INTERVAL);
    private final HandshakeDeadlines deadlines = new HandshakeDeadlines();
    private volatile boolean closed;

    public ReplicationListener(Replicas resources) {
        this(resources, Admission.PER_LISTENER, Admission.PER_ADDRESS);
    }

    /** With other limits on the connections in handshake, for tests. */
    ReplicationListener(Replicas resources, int perListener, int perAddress) {
        this.resources = resources;
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
            Thread acceptor = new Thread(() -> accept(l), "hast-listen " + l.address());
            acceptor.setDaemon(true);
            acceptor.start();
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
                place = admission.admit(peer);
            } catch (Admission.Full e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null) {
            refusals.refused(peer, l.address().toString(), refusal);
            closeQuietly(c);
            return;
        }
        Admission.Place admitted = place;
        HandshakeDeadlines.Armed armed = deadlines.arm(c, deadline.get());
        Thread t = new Thread(() -> handle(c, admitted, armed), "hast-conn " + c.peer());
        t.setDaemon(true);
        t.start();
    }

    private void handle(Connection c, Admission.Place place, HandshakeDeadlines.Armed deadline) {
        try (c; place) {
            c.setReadTimeout(Duration.ZERO);
            Frame first = Frame.readGreeting(c);
            if (first.type() != Frame.Type.HELLO || first.payload() == null) {
                throw new ProtocolException("expected HELLO, got " + first.type());
            }
            Greeting.Hello hello = Greeting.Hello.decode(first.payload());
            Optional<Replica> target = resources.named(hello.resource());
            if (target.isEmpty()) {
                refuse(c, "Resource not configured.", false);
                return;
            }
            Replica r = target.get();
            if (!isRemote(r.remote(), c.peerAddress())) {
                LOG.warning(() -> "[" + hello.resource() + "] Connection from " + c.peer() + " refused: not the configured remote.");
                refuse(c, "No access to the resource.", false);
                return;
            }
            if (!r.acceptsPrimary()) {
                refuse(c, "Remote node acts as " + r.role() + " for the resource and not as secondary.", false);
                return;
            }
            LOG.info(() -> "[" + hello.resource() + "] Connection from " + c.peer() + ".");
            place.close();
            r.attach(c, hello, deadline::disarm);
        } catch (IOException e) {
            // A connection closed under a read (the handshake deadline) has no message of its own.
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            LOG.log(Level.WARNING, "Dropped connection from {0}: {1}", new Object[] {c.peer(), why});
        } catch (OutOfMemoryError e) {
            FatalErrors.report(e);
        } finally {
            deadline.disarm();
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

    public static void refuse(Connection c, String message, boolean splitBrain) throws IOException {
        Frame.Type type = Frame.Type.REFUSE;
        new Frame(type, splitBrain ? 1 : 0, 0, 0, 0, 0, StandardCharsets.UTF_8.encode(message)).write(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.fine(() -> "Closing " + c.peer() + ": " + e.getMessage());
        }
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
