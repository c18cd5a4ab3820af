package hast.engine.resource;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.control.Queues;
import hast.api.control.Statistics;
import hast.api.event.HastEvent;
import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;
import hast.engine.activemap.ActiveMapStore;
import hast.engine.codec.PayloadCodec;
import hast.engine.config.ResourceConfig;
import hast.engine.metadata.Metadata;
import hast.engine.replication.Frame;
import hast.engine.replication.Greeting;
import hast.engine.replication.ReplicaSession;
import hast.engine.replication.ReplicationListener;
import hast.engine.replication.SyncDecision;

/**
 * What a secondary holds: its local component, locked, and at most one primary's connection.
 * The handshake decides from both nodes' counters what must be copied, or refuses (split-brain,
 * foreign resource); then requests are applied in order.
 */
final class SecondaryRole implements Resource.RoleState {
    private static final Logger LOG = Logger.getLogger(SecondaryRole.class.getName());

    private final LocalComponent local;
    private final ActiveMapStore store;
    private final Consumer<HastEvent> events;
    private final Counters counters = new Counters();
    private final PayloadCodec codec;
    private final java.time.Duration timeout;
    private Connection session;
    /** The primary's requests being served, or {@code null}. */
    private volatile ReplicaSession serving;
    private volatile String problem;
    private volatile boolean closed;

    private SecondaryRole(LocalComponent local, boolean metaflush, int timeout, Consumer<HastEvent> events,
            PayloadCodec codec) {
        this.local = local;
        this.timeout = java.time.Duration.ofSeconds(timeout);
        this.store = new ActiveMapStore(local.provider(), local.layout(), metaflush);
        this.events = events;
        this.codec = codec;
    }

    /** @param current the resource's configuration as reloads change it: read replies take its current codecs */
    static SecondaryRole start(ResourceConfig config, Supplier<ResourceConfig> current, Replication replication,
            Consumer<HastEvent> events) throws HastException {
        return new SecondaryRole(LocalComponent.open(config, replication), config.metaflush(), config.timeout(), events,
                new PayloadCodec(config.name(), replication.codecs(), () -> current.get().codecs()));
    }

    /** Handshake with a primary, then serve it until the connection ends. */
    void attach(Connection c, Greeting.Hello hello) throws IOException {
        String name = local.resource();
        Metadata md;
        synchronized (this) {
            if (closed) {
                ReplicationListener.refuse(c, "Resource is changing role.", false);
                return;
            }
            if (session != null) {
                // A new connection from the primary supersedes the old one (it reconnected).
                session.close();
            }
            session = c;
            md = local.metadata();
        }
        if (hello.datasize() != md.datasize() || hello.extentsize() != md.extentsize()) {
            ReplicationListener.refuse(c, "Data size differs between nodes (local=" + md.datasize() + ", remote="
                    + hello.datasize() + ").", false);
            return;
        }
        if (hello.maxRequest() > PrimaryDevice.MAX_REQUEST) {
            // Both sides must agree on the largest request, or large writes would fail one by one.
            ReplicationListener.refuse(c, "Maximum request size differs (primary=" + hello.maxRequest()
                    + ", secondary=" + PrimaryDevice.MAX_REQUEST + ").", false);
            return;
        }
        SyncDecision d = SyncDecision.decide(md.resuid(), md.localcnt(), md.remotecnt(), hello.resuid(),
                hello.localcnt(), hello.remotecnt());
        if (d == SyncDecision.UID_MISMATCH) {
            ReplicationListener.refuse(c, "Resource unique ID mismatch (primary=" + Long.toUnsignedString(hello.resuid())
                    + ", secondary=" + Long.toUnsignedString(md.resuid()) + ").", false);
            return;
        }
        if (d == SyncDecision.SPLIT_BRAIN) {
            LOG.severe(() -> "[" + name + "] Split-brain detected (primary localcnt=" + hello.localcnt() + " remotecnt="
                    + hello.remotecnt() + ", secondary localcnt=" + md.localcnt() + " remotecnt=" + md.remotecnt()
                    + "); refusing the primary. Recover with 'hastctl role init', 'hastctl create' and "
                    + "'hastctl role secondary' on the node whose data is to be dropped.");
            problem = "split-brain";
            events.accept(HastEvent.of(HastEvent.SPLIT_BRAIN, name));
            ReplicationListener.refuse(c, "Split-brain condition!", true);
            return;
        }
        boolean fresh = md.resuid() == 0;
        if (fresh) {
            local.writeMetadata(md.withResuid(hello.resuid()).withPrevrole(hast.api.Role.SECONDARY));
        }
        byte[] bitmap = d.full() ? new byte[0] : store.read();
        Metadata now = local.metadata();
        Frame.reply(Frame.Type.WELCOME, 0, 0, new Greeting.Welcome(d, fresh, now.resuid(), now.localcnt(),
                now.remotecnt(), now.datasize(), now.extentsize(), bitmap, codec.decodable()).encode()).write(c);
        c.setReadTimeout(timeout);
        problem = null;
        LOG.info(() -> "[" + name + "] Primary " + c.peer() + " connected (" + d + ").");
        events.accept(HastEvent.of(HastEvent.CONNECT, name));
        ReplicaSession replicaSession = new ReplicaSession(name, c, replica(), codec, hello.codecs());
        serving = replicaSession;
        String why = replicaSession.serve();
        synchronized (this) {
            if (serving == replicaSession) {
                serving = null;
            }
            if (session == c) {
                session = null;
            }
        }
        LOG.info(() -> "[" + name + "] Primary " + c.peer() + " disconnected (" + why + ").");
        events.accept(HastEvent.of(HastEvent.DISCONNECT, name));
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
                LOG.fine(() -> "[" + local.resource() + "] Local activemap cleared.");
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
        // A secondary keeps no live activemap: the primary tracks what it lacks.
        return 0;
    }

    @Override
    public long extentsize() {
        return local.metadata().extentsize();
    }

    @Override
    public int keepdirty() {
        return 0;
    }

    @Override
    public synchronized String status() {
        return session != null ? "complete" : "degraded";
    }

    @Override
    public Statistics statistics() {
        return counters.snapshot(codec);
    }

    @Override
    public Queues queues() {
        ReplicaSession s = serving;
        return s == null ? Queues.EMPTY : s.queues();
    }

    @Override
    public String problem() {
        return problem != null ? problem : codec.fallback();
    }

    @Override
    public void close() {
        Connection c;
        synchronized (this) {
            closed = true;
            c = session;
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Ending anyway.
            }
        }
        local.close();
    }
}
