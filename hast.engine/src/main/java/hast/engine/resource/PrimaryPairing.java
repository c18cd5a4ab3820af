package hast.engine.resource;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.event.HastEvent;
import hast.engine.codec.CodecSet;
import hast.engine.replication.Greeting;
import hast.engine.replication.Pairing;
import hast.engine.replication.ProtocolRange;

/**
 * The primary's generation bookkeeping (resuid, localcnt, remotecnt) and what a handshake
 * changes: these counters are how a later connection tells which copy is newer, or that both
 * were written apart (split-brain).
 *
 * <p>As a request's {@link WriteProgressTracker.Trace}, it records what the secondary missed: a
 * write acknowledged while the secondary is away, or that it failed to store, marks this copy as
 * moved on before the client hears of it; one acknowledged early (async, memsync) as soon as the
 * secondary's failure is known. So a later split-brain is seen, never silently merged.
 */
final class PrimaryPairing implements Pairing, WriteProgressTracker.Trace {
    private static final Logger LOG = Logger.getLogger(PrimaryPairing.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String AUTHENTICATION_FAILED = "authentication failed: ";

    private final String resource;
    /** The secondary's configured address as reloads change it, for the events that name the peer. */
    private final Supplier<String> remote;
    private final LocalComponent local;
    private final DirtyExtents dirty;
    private final Consumer<HastEvent> events;
    private final Runnable onConnect;
    /** This copy's localcnt as the last HELLO told it. */
    private long helloLocalcnt;
    /** The secondary's localcnt and remotecnt as of the last handshake (0 before any). */
    private long peerLocalcnt;
    private long peerRemotecnt;
    private volatile String problem;
    /** Why the secondary speaks no protocol version in common with this node, until they connect; else null. */
    private volatile String versionRefused;
    /** This copy is the out-of-date one: dirty extents come from the secondary until synchronised. */
    private volatile boolean fromSecondary;
    /** Between {@link #connected} and {@link #disconnected}: the secondary receives every request. */
    private volatile boolean linked;
    /** The secondary connected last wants synchronisation reports (it keeps its consistency on disk). */
    private volatile boolean syncReports;

    PrimaryPairing(String resource, Supplier<String> remote, LocalComponent local, DirtyExtents dirty,
            Consumer<HastEvent> events, Runnable onConnect) {
        this.resource = resource;
        this.remote = remote;
        this.local = local;
        this.dirty = dirty;
        this.events = events;
        this.onConnect = onConnect;
    }

    @Override
    public synchronized Greeting.Hello hello(CodecSet decodable) throws IOException {
        var md = local.metadata();
        if (md.resuid() == 0) {
            long resuid;
            do {
                resuid = RANDOM.nextLong();
            } while (resuid == 0);
            long chosen = resuid;
            local.updateMetadata(m -> m.withResuid(chosen));
            md = local.metadata();
        }
        helloLocalcnt = md.localcnt();
        return new Greeting.Hello(resource, md.resuid(), md.localcnt(), md.remotecnt(), md.datasize(), md.extentsize(),
                PrimaryDevice.MAX_REQUEST, decodable, true);
    }

    @Override
    public synchronized boolean paired(Greeting.Welcome w) throws IOException {
        var md = local.metadata();
        if (w.datasize() != md.datasize() || w.extentsize() != md.extentsize()) {
            LOG.severe(() -> "[" + resource + "] Data size differs between nodes (local=" + md.datasize() + "/"
                    + md.extentsize() + ", remote=" + w.datasize() + "/" + w.extentsize() + ").");
            return false;
        }
        if (md.localcnt() != helloLocalcnt) {
            // A write was acknowledged apart while the handshake ran: the secondary decided on
            // counters that do not show it, and might copy its older data over it.
            LOG.info(() -> "[" + resource + "] localcnt moved during the handshake (a write acknowledged meanwhile);"
                    + " connecting again with the current counters.");
            return false;
        }
        if (w.decision().fromSecondary()) {
            LOG.warning(() -> "[" + resource + "] The secondary holds newer data (" + w.decision()
                    + "): synchronising from it; reads of extents not yet copied are served by it.");
        }
        fromSecondary = w.decision().fromSecondary();
        syncReports = w.syncReports();
        // Left from the last connection (a reply that raced its end): that secondary may have lost them.
        dirty.peerLost();
        peerLocalcnt = w.localcnt();
        peerRemotecnt = w.remotecnt();
        if (w.fresh() && md.localcnt() == 0) {
            local.updateMetadata(m -> m.withCounters(1, m.remotecnt()));
        }
        if (w.decision().full()) {
            dirty.markAllForSync();
        } else {
            dirty.merge(w.bitmap());
        }
        // From here a request either reaches the secondary or fails there, which traces it.
        linked = true;
        return true;
    }

    /** Why the secondary keeps refusing, when an operator must act; {@code null} otherwise. */
    String problem() {
        return problem;
    }

    @Override
    public void connected() {
        linked = true;
        problem = null;
        versionRefused = null;
        events.accept(HastEvent.of(HastEvent.CONNECT, resource));
        onConnect.run();
    }

    @Override
    public void disconnected() {
        linked = false;
        dirty.peerLost();
        events.accept(HastEvent.of(HastEvent.DISCONNECT, resource));
    }

    @Override
    public void authenticationFailed(String code, String message) {
        LOG.warning(() -> "[" + resource + "] Authentication with the secondary failed (" + code + "): " + message
                + "; not connected.");
        problem = AUTHENTICATION_FAILED + message;
        events.accept(HastEvent.of(HastEvent.AUTH_FAILED, resource, remote.get(), code));
    }

    @Override
    public void refused(String message, boolean splitBrain) {
        String now = splitBrain ? "split-brain" : message;
        // One log line and one event per episode: the link retries until an operator acts.
        boolean again = now.equals(problem);
        problem = now;
        LOG.log(again ? Level.FINE : Level.WARNING, () -> "[" + resource + "] The secondary refused: " + message);
        if (splitBrain && !again) {
            events.accept(HastEvent.of(HastEvent.SPLIT_BRAIN, resource));
        }
    }

    @Override
    public void noCommonVersion(ProtocolRange here, ProtocolRange peer, String message) {
        String why = "no common protocol version: this node speaks " + here + ", the secondary " + peer;
        // Once per episode, as any refusal: the link retries, less often, until a node is upgraded.
        boolean again = why.equals(versionRefused);
        versionRefused = why;
        problem = why;
        LOG.log(again ? Level.FINE : Level.WARNING, () -> "[" + resource + "] Not connected: " + why
                + "; upgrade the node with the older versions (the secondary said: " + message + ")");
    }

    /** Why the secondary speaks no protocol version in common with this node, or {@code null}. */
    String versionRefused() {
        return versionRefused;
    }

    @Override
    public boolean awaitsOperator() {
        String p = problem;
        return p != null && (p.equals("split-brain") || p.startsWith(AUTHENTICATION_FAILED) || p.equals(versionRefused));
    }

    /**
     * Before a write is acknowledged while the secondary is away: the first such write of an
     * outage raises localcnt, on disk, so that the next handshake knows this copy moved on.
     */
    synchronized void writtenWhileApart() throws IOException {
        var md = local.metadata();
        if (md.localcnt() == peerRemotecnt) {
            long next = md.localcnt() + 1;
            LOG.info(() -> "[" + resource + "] Increasing localcnt to " + next + ".");
            local.updateMetadata(m -> m.withCounters(next, m.remotecnt()));
        }
    }

    @Override
    public void beforeAck(boolean remoteFailed) throws IOException {
        if (remoteFailed || !linked) {
            writtenWhileApart();
        }
    }

    @Override
    public void missed() {
        try {
            writtenWhileApart();
        } catch (IOException e) {
            LOG.warning(() -> "[" + resource + "] Unable to record that the secondary missed a write: " + e.getMessage());
        }
    }

    /** Whether the secondary wants {@code SYNC} reports: an older one would drop the connection at the first. */
    boolean syncReports() {
        return syncReports;
    }

    boolean syncFromSecondary() {
        return fromSecondary;
    }

    /** A synchronisation finished while connected: the two copies are the same generation now. */
    synchronized void synchronised() throws IOException {
        fromSecondary = false;
        LOG.info(() -> "[" + resource + "] Setting localcnt to " + peerRemotecnt + " and remotecnt to " + peerLocalcnt + ".");
        local.updateMetadata(m -> m.withCounters(peerRemotecnt, peerLocalcnt));
    }
}
