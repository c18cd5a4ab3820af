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

/**
 * Accepts primaries on the {@code listen} addresses. The first frame names the resource; the
 * connection is handed to that resource if it is secondary here and the peer is its configured
 * remote, and refused with a reason otherwise.
 */
public final class ReplicationListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicationListener.class.getName());
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    /** A resource as the listener needs it. */
    public interface Replica {
        /** The configured remote address, or {@code none}. */
        String remote();

        /** True while the role is secondary. */
        boolean acceptsPrimary();

        /** The role's label, for the refusal message. */
        String role();

        /** Runs the handshake and serves the connection until it ends. */
        void attach(Connection connection, Greeting.Hello hello) throws IOException;
    }

    private final Function<String, Optional<Replica>> resources;
    private final List<Listener> listeners = new ArrayList<>();
    private volatile boolean closed;

    public ReplicationListener(Function<String, Optional<Replica>> resources) {
        this.resources = resources;
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
            Thread t = new Thread(() -> handle(c), "hast-conn " + c.peer());
            t.setDaemon(true);
            t.start();
        }
    }

    private void handle(Connection c) {
        try (c) {
            c.setReadTimeout(HANDSHAKE_TIMEOUT);
            Frame first = Frame.read(c);
            if (first.type() != Frame.Type.HELLO || first.payload() == null) {
                throw new ProtocolException("expected HELLO, got " + first.type());
            }
            Greeting.Hello hello = Greeting.Hello.decode(first.payload());
            Optional<Replica> target = resources.apply(hello.resource());
            if (target.isEmpty()) {
                refuse(c, "Resource not configured.", false);
                return;
            }
            Replica r = target.get();
            if (!fromRemote(c, r.remote())) {
                LOG.warning(() -> "[" + hello.resource() + "] Connection from " + c.peer() + " refused: not the configured remote.");
                refuse(c, "No access to the resource.", false);
                return;
            }
            if (!r.acceptsPrimary()) {
                refuse(c, "Remote node acts as " + r.role() + " for the resource and not as secondary.", false);
                return;
            }
            LOG.info(() -> "[" + hello.resource() + "] Connection from " + c.peer() + ".");
            r.attach(c, hello);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Dropped connection from {0}: {1}", new Object[] {c.peer(), e.getMessage()});
        }
    }

    /** Only the configured remote may connect (its address, any port), as in the reference. */
    private static boolean fromRemote(Connection c, String remote) {
        if (remote.equals("none") || c.peerAddress() == null) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(HastAddress.parse(remote).host())) {
                if (a.equals(c.peerAddress())) {
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
    }
}
