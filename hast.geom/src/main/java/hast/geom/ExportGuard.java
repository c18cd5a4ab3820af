package hast.geom;

import java.net.InetAddress;
import java.util.List;
import java.util.logging.Logger;

import hast.api.guard.AddressRange;
import hast.api.guard.Admission;
import hast.api.guard.HandshakeDeadlines;
import hast.api.guard.RefusalLog;
import hast.api.guard.WriteDeadline;
import hast.api.transport.Connection;

/**
 * Stands between an NBD listening address and whoever connects to it. In the acceptor's thread,
 * before a byte is read or a buffer allocated for the connection: a peer outside the export's
 * allow list, or past a limit on the clients connected or negotiating (in all, or from its
 * address), is closed, counted, and logged once per address per {@link RefusalLog#INTERVAL}.
 * An admitted client gets a deadline for its whole negotiation, and each of its blocked reply
 * writes a deadline too; whichever passes ends that connection only.
 */
final class ExportGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NbdServer.class.getName());

    private final String listener;
    private final List<AddressRange> allowed;
    private final ExportLimits limits;
    private final Admission negotiating;
    private final Admission clients;
    private final RefusalLog refusals = new RefusalLog(LOG, RefusalLog.INTERVAL);
    private final HandshakeDeadlines handshakes = new HandshakeDeadlines("NBD negotiation");
    private final WriteDeadline writes;

    /** @param allowed the peer addresses let in; empty lets in everyone who reaches the listener */
    ExportGuard(String listener, List<AddressRange> allowed, ExportLimits limits) {
        this.listener = listener;
        this.allowed = List.copyOf(allowed);
        this.limits = limits;
        this.negotiating = new Admission(limits.negotiatingPerListener(), limits.negotiatingPerAddress());
        this.clients = new Admission(limits.clientsPerListener(), limits.clientsPerAddress());
        this.writes = new WriteDeadline("NBD " + listener, limits.write());
        writes.start();
    }

    /** A client admitted: its places and its negotiation's deadline, running already. */
    final class Pass implements AutoCloseable {
        private final Admission.Place client;
        private final Admission.Place negotiation;
        private final HandshakeDeadlines.Armed deadline;
        private volatile WriteDeadline.Writing watched;

        private Pass(Admission.Place client, Admission.Place negotiation, HandshakeDeadlines.Armed deadline) {
            this.client = client;
            this.negotiation = negotiation;
            this.deadline = deadline;
        }

        /** The negotiation is over: its deadline and its place among the negotiating are given back. */
        void negotiated() {
            deadline.disarm();
            negotiation.close();
        }

        /** Runs {@code stalled} once a reply write through {@code writer} outlasts the write deadline. */
        void watchWrites(WriteDeadline.Writing writer, Runnable stalled) {
            watched = writer;
            writes.watch(writer, stalled);
        }

        /** The client is gone: everything it held is given back; idempotent. */
        @Override
        public void close() {
            deadline.disarm();
            negotiation.close();
            client.close();
            WriteDeadline.Writing writer = watched;
            if (writer != null) {
                writes.forget(writer);
            }
        }
    }

    /**
     * Admits the client on {@code c}, or closes it, before anything is read from it.
     *
     * @return the client's pass, or {@code null} when it was refused (and {@code c} closed)
     */
    Pass admit(Connection c) {
        InetAddress peer = c.peerAddress();
        if (!allowed.isEmpty() && allowed.stream().noneMatch(r -> r.contains(peer))) {
            return refuse(c, peer, "not in export-allow " + allowed);
        }
        Admission.Place client;
        try {
            client = clients.admit(peer, "NBD clients");
        } catch (Admission.Full e) {
            return refuse(c, peer, e.getMessage());
        }
        Admission.Place negotiation;
        try {
            negotiation = negotiating.admit(peer, "NBD clients negotiating");
        } catch (Admission.Full e) {
            client.close();
            return refuse(c, peer, e.getMessage());
        }
        return new Pass(client, negotiation, handshakes.arm(c, limits.handshake()));
    }

    private Pass refuse(Connection c, InetAddress peer, String why) {
        refusals.refused(peer, listener, why);
        HandshakeDeadlines.closeQuietly(c);
        return null;
    }

    /** Connections refused before their first byte was read. */
    long refused() {
        return refusals.count();
    }

    @Override
    public void close() {
        handshakes.close();
        writes.close();
    }
}
