package hast.engine.resource;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.Consistency;
import hast.api.control.Queues;
import hast.api.control.Statistics;
import hast.api.event.HastEvent;
import hast.api.guard.WriteDeadline;
import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;
import hast.engine.activemap.ActiveMapStore;
import hast.engine.codec.PayloadCodec;
import hast.engine.config.ResourceConfig;
import hast.engine.metadata.Metadata;
import hast.engine.replication.Frame;
import hast.engine.replication.Greeting;
import hast.engine.replication.ReplicaSession;
import hast.engine.replication.RemoteLink;
import hast.engine.replication.ReplicationListener;
import hast.engine.replication.SyncDecision;

/**
 * What a secondary holds: its local component, locked, and at most one primary's connection.
 * The handshake decides from both nodes' counters what must be copied, or refuses (split-brain,
 * foreign resource); then requests are applied, several at once where they touch different bytes
 * (see {@link ReplicaSession}).
 */
final class SecondaryRole implements Resource.RoleState {
    private static final Logger LOG = Logger.getLogger(SecondaryRole.class.getName());
    /** How long a role change waits for the session's burst, as a primary waits for its requests. */
    private static final long DRAIN_MILLIS = 60_000;

    /** A primary's connection past its handshake, the WELCOME it is due, and the end of the thread that serves it. */
    private static final class Attachment {
        final Connection connection;
        final ReplicaSession session;
        final Frame welcome;
        final SyncDecision decision;
        /** The protocol version the handshake agreed on. */
        final int version;
        final CountDownLatch ended = new CountDownLatch(1);

        Attachment(Connection connection, int version, ReplicaSession session, Frame welcome,
                SyncDecision decision) {
            this.connection = connection;
            this.version = version;
            this.session = session;
            this.welcome = welcome;
            this.decision = decision;
        }
    }

    private final LocalComponent local;
    private final ActiveMapStore store;
    /** Extents this node last held as primary without their current data: reported dirty in the handshake. */
    private final StaleExtents stale;
    private final SecondaryConsistency consistency;
    private final Consumer<HastEvent> events;
    private final Counters counters = new Counters();
    private final PayloadCodec codec;
    private final Duration timeout;
    /**
     * How long a new connection waits for the handshake under way or the session it replaces:
     * half the timeout, so that a refusal reaches the primary before its handshake gives up.
     */
    private final Duration handover;
    /**
     * One handshake at a time, from its checks to the session it starts: two would each read the
     * metadata, write it and answer WELCOME with counters the other may have changed.
     */
    private final ReentrantLock handshake = new ReentrantLock();
    private final WriteDeadline writes;
    /** The threads that carry out a session's requests beside its reader, started as requests come. */
    private final ThreadPoolExecutor disk;
    /** The session serving the primary, or {@code null}; guarded by this. */
    private Attachment current;
    private volatile String problem;
    /** Why the last primary was refused for its protocol versions, until one connects; else null. */
    private volatile String versionRefused;
    /** The HELLO last refused for a split-brain, until a primary is served; for {@link #discardSinceParting}. */
    private volatile Greeting.Hello splitFrom;
    private volatile boolean closed;

    private SecondaryRole(LocalComponent local, boolean metaflush, int timeout, Consumer<HastEvent> events,
            PayloadCodec codec) {
        this.local = local;
        this.timeout = Duration.ofSeconds(timeout);
        this.handover = Duration.ofMillis(Math.max(100, this.timeout.toMillis() / 2));
        this.store = new ActiveMapStore(local.provider(), local.layout(), metaflush);
        this.stale = new StaleExtents(local);
        this.consistency = new SecondaryConsistency(local);
        this.events = events;
        this.codec = codec;
        this.writes = new WriteDeadline(local.resource(), this.timeout);
        writes.start();
        this.disk = IoPool.create("hast-apply " + local.resource(), ReplicaSession.IN_FLIGHT);
    }

    /** @param current the resource's configuration as reloads change it: read replies take its current codecs */
    static SecondaryRole start(ResourceConfig config, Supplier<ResourceConfig> current, Replication replication,
            Consumer<HastEvent> events) throws HastException {
        return new SecondaryRole(LocalComponent.open(config, replication), config.metaflush(), config.timeout(), events,
                new PayloadCodec(config.name(), replication.codecs(), () -> current.get().codecs()));
    }

    /**
     * Handshake with a primary, then serve it until the connection ends. A new connection replaces
     * the session serving (the primary reconnected), but only once that session's thread is done:
     * a request of the old connection still on its way to the disk could otherwise land after a
     * newer write to the same block. When it is not done within {@link #handover}, the primary is
     * refused and tries again later. Every frame is in protocol {@code version}.
     */
    void attach(Connection c, int version, Greeting.Hello hello, Runnable welcomed) throws IOException {
        long deadline = System.nanoTime() + handover.toNanos();
        Attachment mine;
        try {
            if (!handshake.tryLock(handover.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warning(() -> "[" + local.resource() + "] Connection from " + c.peer()
                        + " refused: another handshake is still under way.");
                ReplicationListener.refuse(c, version, "Another connection from the primary is being set up; try again.",
                        false);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ReplicationListener.refuse(c, version, "Resource is changing role.", false);
            return;
        }
        try {
            mine = handshake(c, version, hello, deadline);
        } finally {
            handshake.unlock();
        }
        if (mine != null) {
            serve(mine, welcomed);
        }
    }

    /**
     * Holding {@link #handshake}: the checks, and the session that will serve the primary, made
     * current; null when refused. The WELCOME goes out after, without the lock: a primary that
     * does not read it must not keep the next connection or a role change waiting (either one
     * stops this session, which fails the write).
     */

    private Attachment handshake(Connection c, int version, Greeting.Hello hello, long deadline) throws IOException {
        String name = local.resource();
        if (closed) {
            ReplicationListener.refuse(c, version, "Resource is changing role.", false);
            return null;
        }
        // Sessions never change the metadata: the checks need not wait for the one serving, and a
        // HELLO they refuse leaves it alone.
        Metadata md = local.metadata();
        if (hello.datasize() != md.datasize() || hello.extentsize() != md.extentsize()) {
            ReplicationListener.refuse(c, version, "Data size differs between nodes (local=" + md.datasize() + ", remote="
                    + hello.datasize() + ").", false);
            return null;
        }
        if (hello.maxRequest() > PrimaryDevice.MAX_REQUEST) {
            // Both sides must agree on the largest request, or large writes would fail one by one.
            ReplicationListener.refuse(c, version, "Maximum request size differs (primary=" + hello.maxRequest()
                    + ", secondary=" + PrimaryDevice.MAX_REQUEST + ").", false);
            return null;
        }
        SyncDecision d = SyncDecision.decide(md.resuid(), md.localcnt(), md.remotecnt(), hello.resuid(),
                hello.localcnt(), hello.remotecnt());
        if (d == SyncDecision.UID_MISMATCH) {
            ReplicationListener.refuse(c, version, "Resource unique ID mismatch (primary=" + Long.toUnsignedString(hello.resuid())
                    + ", secondary=" + Long.toUnsignedString(md.resuid()) + ").", false);
            return null;
        }
        if (d == SyncDecision.SPLIT_BRAIN) {
            // One log line and one event per episode: the primary retries until an operator acts.
            boolean again = "split-brain".equals(problem);
            LOG.log(again ? Level.FINE : Level.SEVERE, () -> "[" + name + "] Split-brain detected (primary localcnt=" + hello.localcnt() + " remotecnt="
                    + hello.remotecnt() + ", secondary localcnt=" + md.localcnt() + " remotecnt=" + md.remotecnt()
                    + "); refusing the primary. Recover with 'hastctl role init', 'hastctl create' and "
                    + "'hastctl role secondary' on the node whose data is to be dropped.");
            problem = "split-brain";
            splitFrom = hello;
            if (!again) {
                events.accept(HastEvent.of(HastEvent.SPLIT_BRAIN, name));
            }
            ReplicationListener.refuse(c, version, "Split-brain condition!", true);
            return null;
        }
        Attachment previous;
        synchronized (this) {
            previous = current;
        }
        if (previous != null && !retire(previous, deadline)) {
            LOG.warning(() -> "[" + name + "] Connection from " + c.peer() + " refused: the session it replaces"
                    + " is still carrying out requests (the disk is slow to answer).");
            ReplicationListener.refuse(c, version, "The previous connection's requests are still being carried out; try again.",
                    false);
            return null;
        }
        boolean fresh = md.resuid() == 0;
        // Durable before the WELCOME, so before the first byte of the synchronisation lands here.
        consistency.handshake(d, hello, fresh ? hello.resuid() : 0);
        byte[] bitmap = d.full() ? new byte[0] : withStale(store.read());
        Metadata now = local.metadata();
        Frame welcome = Frame.reply(Frame.Type.WELCOME, 0, 0, new Greeting.Welcome(d, fresh, now.resuid(),
                now.localcnt(), now.remotecnt(), now.datasize(), now.extentsize(), bitmap, codec.decodable(), true)
                .encode());
        Attachment mine = new Attachment(c, version,
                new ReplicaSession(name, c, version, replica(), codec, hello.codecs(), writes, disk), welcome, d);
        synchronized (this) {
            if (closed) {
                // The role changed while this handshake read the disk: the provider is about to go.
                ReplicationListener.refuse(c, version, "Resource is changing role.", false);
                return null;
            }
            current = mine;
        }
        return mine;
    }

    /** The activemap image with the stale extents added: the primary copies both here. */
    private byte[] withStale(byte[] image) {
        for (int e : stale.list()) {
            image[e >>> 3] |= (byte) (1 << (e & 7));
        }
        return image;
    }

    /** Stops a session that a new connection replaces and waits for its thread; false at the deadline. */
    private static boolean retire(Attachment previous, long deadline) {
        previous.session.stop();
        try {
            return previous.ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * An operator's recovery from a split-brain, on the node whose writes since the two parted are
     * to be given up: this copy's localcnt goes back to the primary's record of it (the generation
     * they parted at). The primary's next attempt then finds this copy behind, not split, and
     * copies from the primary what either side wrote since: its dirty extents merged with this
     * node's on-disk activemap, which still holds every extent this node wrote without its peer.
     *
     * @return what was done, for the operator
     */
    String discardSinceParting() throws HastException {
        String name = local.resource();
        handshake.lock();
        try {
            Greeting.Hello refused = splitFrom;
            if (refused == null) {
                throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] No split-brain to recover from: "
                        + "discard runs on a secondary that refused its primary for a split-brain (see hastctl "
                        + "status); nothing was changed.");
            }
            Metadata md = local.metadata();
            try {
                local.updateMetadata(m -> m.withCounters(refused.remotecnt(), m.remotecnt()));
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_IOERR, "[" + name + "] Unable to write the metadata: "
                        + e.getMessage() + "; nothing was changed.", e);
            }
            splitFrom = null;
            LOG.warning(() -> "[" + name + "] Discarding this node's writes since it parted from the primary: localcnt "
                    + md.localcnt() + " -> " + refused.remotecnt() + "; the primary's next connection copies over "
                    + "every extent either node wrote since.");
            return "[" + name + "] This node's writes since it parted from the primary will be overwritten: the "
                    + "primary's next attempt (within " + RemoteLink.RECONNECT_REFUSED_MAX.toSeconds()
                    + " s) copies every extent either node wrote since then.";
        } finally {
            handshake.unlock();
        }
    }

    /**
     * Welcomes the primary and serves it until the connection ends; {@code welcomed} runs once
     * the WELCOME is written (the session's writes have their own deadline, {@link #writes}).
     */
    private void serve(Attachment mine, Runnable welcomed) throws IOException {
        String name = local.resource();
        Connection c = mine.connection;
        try {
            mine.welcome.write(c, mine.version);
            welcomed.run();
            c.setReadTimeout(timeout);
            problem = null;
            splitFrom = null;
            versionRefused = null;
            LOG.info(() -> "[" + name + "] Primary " + c.peer() + " connected (" + mine.decision + ").");
            events.accept(HastEvent.of(HastEvent.CONNECT, name));
            String why = mine.session.serve();
            LOG.info(() -> "[" + name + "] Primary " + c.peer() + " disconnected (" + why + ").");
            // Before the next session may start: hooks see this disconnect before its connect.
            events.accept(HastEvent.of(HastEvent.DISCONNECT, name));
        } finally {
            consistency.disconnected();
            end(mine);
        }
    }

    /** The session's thread is done with the provider: whoever waits for it may go on. */
    private void end(Attachment a) {
        synchronized (this) {
            if (current == a) {
                current = null;
            }
        }
        a.ended.countDown();
    }

    private ReplicaSession.Replica replica() {
        Metadata md = local.metadata();
        return new ReplicaSession.Replica() {
            @Override
            public LocalProvider provider() {
                return local.provider();
            }

            @Override
            public long localoff() {
                return md.localoff();
            }

            @Override
            public long datasize() {
                return md.datasize();
            }

            @Override
            public int maxRequest() {
                return PrimaryDevice.MAX_REQUEST;
            }

            @Override
            public void firstRequest() throws IOException {
                // The primary has merged our marks and keeps them on its own disk now.
                store.write(new byte[store.mapsize()]);
                stale.clearAll();
                LOG.fine(() -> "[" + local.resource() + "] Local activemap cleared.");
            }

            @Override
            public void synchronisation(long done, long total, boolean finished) throws IOException {
                consistency.report(done, total, finished);
            }

            @Override
            public void count(Frame.Type type, boolean failed) {
                switch (type) {
                    case WRITE -> (failed ? counters.writeErrors : counters.writes).increment();
                    case DELETE -> (failed ? counters.deleteErrors : counters.deletes).increment();
                    case FLUSH -> (failed ? counters.flushErrors : counters.flushes).increment();
                    case READ -> (failed ? counters.readErrors : counters.reads).increment();
                    default -> {
                    }
                }
            }
        };
    }

    @Override
    public long dirtyBytes() {
        // A secondary keeps no live activemap: the primary tracks what it lacks, and reports it.
        return consistency.remaining();
    }

    @Override
    public long extentsize() {
        return local.metadata().extentsize();
    }

    @Override
    public int keepdirty() {
        return 0;
    }

    /** Complete only when connected and consistent: a copy being synchronised is not. */
    @Override
    public synchronized String status() {
        return current != null && consistency.current() == Consistency.CONSISTENT ? "complete" : "degraded";
    }

    @Override
    public Consistency consistency() {
        return consistency.current();
    }

    /** The synchronisation being received, as the primary reports it. */
    @Override
    public hast.api.control.SyncProgress sync() {
        return consistency.progress();
    }

    @Override
    public synchronized boolean connected() {
        return current != null;
    }

    @Override
    public synchronized String protocol() {
        return current != null ? Integer.toString(current.version) : versionRefused;
    }

    /**
     * A primary is refused for want of a protocol version in common ({@code why} names both
     * ranges): status shows it until a primary connects.
     *
     * @return false when the last primary was refused for the same reason (one episode)
     */
    boolean noCommonVersion(String why) {
        boolean again = why.equals(versionRefused);
        versionRefused = why;
        return !again;
    }

    @Override
    public Statistics statistics() {
        return counters.snapshot(codec, 0);
    }

    @Override
    public Queues queues() {
        Attachment a;
        synchronized (this) {
            a = current;
        }
        return a == null ? Queues.EMPTY : a.session.queues();
    }

    @Override
    public String problem() {
        return problem != null ? problem : codec.fallback();
    }

    /**
     * Leaves the role: no new primary is accepted, a handshake under way finishes (it may be
     * writing metadata), and the session's burst is carried out before the provider closes. memsync
     * told the client of those writes once they were RECEIVED here: when this node is promoted
     * next, they must be on its disk.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        boolean locked = false;
        try {
            locked = handshake.tryLock(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            if (!locked) {
                LOG.severe(() -> "[" + local.resource() + "] A handshake is still under way after " + DRAIN_MILLIS
                        + " ms; closing the provider anyway.");
            }
            Attachment a;
            synchronized (this) {
                a = current;
            }
            if (a != null) {
                a.session.stop();
                if (!a.ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.severe(() -> "[" + local.resource() + "] The primary's last requests are still being carried out"
                            + " after " + DRAIN_MILLIS + " ms (the disk does not answer); closing the provider anyway:"
                            + " writes already acknowledged as received may be missing from this copy.");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.severe(() -> "[" + local.resource() + "] Interrupted while waiting for the primary's last requests;"
                    + " closing the provider anyway.");
        } finally {
            if (locked) {
                handshake.unlock();
            }
        }
        writes.close();
        disk.shutdown();
        local.close();
    }
}
