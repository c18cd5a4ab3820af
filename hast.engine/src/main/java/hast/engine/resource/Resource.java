package hast.engine.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.Consistency;
import hast.api.control.Queues;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.event.HastEvent;
import hast.api.metrics.ResourceMeters;
import hast.api.transport.Connection;
import hast.engine.config.ResourceConfig;
import hast.engine.replication.Authentication;
import hast.engine.replication.Greeting;
import hast.engine.replication.LinkSecret;
import hast.engine.replication.LinkTls;
import hast.engine.replication.ReplicationListener;

/**
 * One configured resource and the role an operator gave it. Role changes are serialised; leaving
 * a role finishes its in-flight I/O before the next role opens the provider.
 */
final class Resource {
    private static final Logger LOG = Logger.getLogger(Resource.class.getName());

    private final DevicePublisher publisher;
    private final Replication replication;
    /** Where this resource's roles raise events: the daemon's dispatcher, with {@link #exec} added. */
    private final Consumer<HastEvent> events;
    /** Peers refused for failed authentication, either side, since the daemon started (each raised an event). */
    private final LongAdder authFailures = new LongAdder();
    /** For metrics exporters: kept across roles, fed by the roles' requests and events. */
    private final Meters meters = new Meters();
    /**
     * The configured {@code exec} program. Volatile rather than read through {@link #config()}: events
     * are raised by role threads that a role change (holding this object's lock) may be waiting for.
     */
    private volatile String exec;
    /**
     * Written under this object's lock; volatile because role threads read it (a primary's guard
     * checks the configured codecs on every tick) while a role change holding the lock may be
     * waiting for those very threads to end.
     */
    private volatile ResourceConfig config;
    private Role role = Role.INIT;
    /** What the current role holds open; {@code null} in init. */
    private RoleState state;

    Resource(ResourceConfig config, DevicePublisher publisher, Replication replication, Consumer<HastEvent> events) {
        this.config = config;
        this.publisher = publisher;
        this.replication = replication;
        this.exec = config.exec();
        this.events = event -> {
            if (event.type().equals(HastEvent.AUTH_FAILED)) {
                authFailures.increment();
            }
            meters.count(event);
            events.accept(event.withExec(exec));
        };
    }

    /** The resources held by a role other than init, released by {@link #close()}. */
    interface RoleState extends AutoCloseable {
        /** Bytes in dirty extents. */
        long dirtyBytes();

        long extentsize();

        int keepdirty();

        /** {@code complete} or {@code degraded}. */
        String status();

        /** The synchronisation under way, or {@code null}. */
        default hast.api.control.SyncProgress sync() {
            return null;
        }

        /** Whether this node's copy may be promoted; a primary's is the reference. */
        default Consistency consistency() {
            return Consistency.CONSISTENT;
        }

        /** How fast a synchronisation from here may copy, and whether it is paused; {@code null} when none can run. */
        default hast.api.control.SyncRate syncRate() {
            return null;
        }

        /** What needs an operator, or {@code null}. */
        default String problem() {
            return null;
        }

        /** Whether the replication connection to the other node is up. */
        boolean connected();

        /**
         * The protocol version of the replication connection while it is up; why the nodes speak
         * none in common after such a refusal; else {@code null}.
         */
        default String protocol() {
            return null;
        }

        Statistics statistics();

        /** Requests waiting or running in each stage now. */
        Queues queues();

        @Override
        void close();
    }

    synchronized String name() {
        return config.name();
    }

    ResourceConfig config() {
        return config;
    }

    synchronized Role role() {
        return role;
    }

    /**
     * Moves to {@code next}, draining the current role first. On failure the resource is left in
     * init with the error reported, never half-open; a promotion refused because the copy is
     * inconsistent leaves a secondary serving as it was.
     *
     * @param force promote even an inconsistent copy (see {@link Promotion})
     * @return the previous role
     */
    synchronized Role setRole(Role next, boolean force) throws HastException {
        Role previous = role;
        if (next == previous) {
            return previous;
        }
        if (next == Role.PRIMARY && state != null && !force) {
            // Before the secondary is released: refused, it goes on receiving its synchronisation.
            // Forced, the primary's start logs it, from the metadata.
            Promotion.check(config.name(), state.consistency(), state.sync(), force);
        }
        release();
        role = Role.INIT;
        state = switch (next) {
            case PRIMARY -> PrimaryRole.start(config, this::config, replication, publisher, events, meters, force);
            case SECONDARY -> SecondaryRole.start(config, this::config, replication, events);
            case INIT -> null;
        };
        role = next;
        LOG.info(() -> "[" + config.name() + "] Role changed to " + next.label() + ".");
        events.accept(HastEvent.of(HastEvent.ROLE, config.name(), previous.label(), next.label()));
        return previous;
    }

    /**
     * Takes a reloaded configuration. What the role holds open (provider path, name or direct
     * I/O, export address or protection, whether there is a peer at all) restarts the role, and
     * the log names the keywords that did. A primary takes a new {@code remote}, {@code source}
     * or {@code timeout} as it runs: its link reconnects to the new address, and its export and
     * clients stay (a secondary, which exports nothing, restarts for them). Anything else
     * (replication mode, codecs, exec, metaflush...) applies to new requests, and the sync rate
     * to the synchronisation under way from its next extent ({@link SyncPace}).
     */
    synchronized void reconfigure(ResourceConfig next) throws HastException {
        List<String> held = new ArrayList<>();
        List<String> link = new ArrayList<>();
        changed(held, "local", config.local(), next.local());
        changed(held, "name", config.provname(), next.provname());
        changed(held, "export", config.export(), next.export());
        changed(held, "direct", config.direct(), next.direct());
        changed(held, "remote none", config.hasRemote(), next.hasRemote());
        changed(link, "remote", config.remote(), next.remote());
        changed(link, "source", config.source(), next.source());
        changed(link, "timeout", config.timeout(), next.timeout());
        if (role != Role.PRIMARY) {
            held.addAll(link);
        }
        boolean restart = state != null && !held.isEmpty();
        Role current = role;
        if (restart) {
            LOG.info(() -> "[" + next.name() + "] Resource configuration was modified (" + String.join(", ", held)
                    + "), restarting it.");
            setRole(Role.INIT, false);
        } else if (state != null && !link.isEmpty()) {
            LOG.info(() -> "[" + next.name() + "] Resource configuration was modified (" + String.join(", ", link)
                    + "): applied to the running primary, which keeps serving.");
        }
        config = next;
        exec = next.exec();
        if (restart) {
            // A primary's copy was consistent when it was promoted, and a secondary is not checked.
            setRole(current, false);
        }
    }

    private static void changed(List<String> changes, String keyword, Object before, Object after) {
        if (!java.util.Objects.equals(before, after)) {
            changes.add(keyword);
        }
    }

    /** Tells hooks that this resource is in the configuration just reloaded. */
    synchronized void reloaded() {
        events.accept(HastEvent.of(HastEvent.RELOAD, config.name()));
    }

    /**
     * Compares both copies; runs without holding this resource, so that list and status answer
     * meanwhile (a role change ends it with an error).
     */
    Verification verify(VerifyProgress progress) throws HastException {
        RoleState s;
        Role r;
        String name;
        synchronized (this) {
            s = state;
            r = role;
            name = config.name();
        }
        if (!(s instanceof PrimaryRole primary)) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] The resource is " + r.label()
                    + " here; verify runs on the primary.");
        }
        Verification v = primary.verify(progress);
        events.accept(HastEvent.of(HastEvent.VERIFY_DONE, name, Integer.toString(v.differing().size()),
                Long.toString(v.extents() - v.skipped())));
        return v;
    }

    /** See {@link SecondaryRole#discardSinceParting}: only a secondary can give its copy up. */
    String discard() throws HastException {
        return current(SecondaryRole.class, "discard runs on the secondary whose writes are to be given up (make it"
                + " secondary first); nothing was changed.").discardSinceParting();
    }

    /** See {@link PrimaryRole#pauseSync}: a synchronisation is paused on the primary that sends it. */
    String pauseSync() throws HastException {
        return current(PrimaryRole.class, "pause applies to the synchronization its primary sends.").pauseSync();
    }

    /** See {@link PrimaryRole#resumeSync}. */
    String resumeSync() throws HastException {
        return current(PrimaryRole.class, "resume applies to the synchronization its primary sends.").resumeSync();
    }

    /**
     * The current role if it is a {@code type}, which then runs without holding this resource (a
     * pause waits for extents in flight); otherwise a refusal that names the role and {@code why}.
     */
    private <T extends RoleState> T current(Class<T> type, String why) throws HastException {
        RoleState s;
        Role r;
        synchronized (this) {
            s = state;
            r = role;
        }
        if (!type.isInstance(s)) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + config.name() + "] The resource is " + r.label()
                    + " here; " + why);
        }
        return type.cast(s);
    }

    /** Releases the current role without raising a role event (daemon shutdown). */
    synchronized void close() {
        release();
        role = Role.INIT;
    }

    private void release() {
        if (state != null) {
            RoleState s = state;
            state = null;
            s.close();
        }
    }

    /** The secondary's side of an incoming primary connection, for the replication listener. */
    ReplicationListener.Replica replica() {
        return new ReplicationListener.Replica() {
            @Override
            public String remote() {
                return config().remote();
            }

            @Override
            public boolean acceptsPrimary() {
                return Resource.this.role() == Role.SECONDARY;
            }

            @Override
            public String role() {
                return Resource.this.role().label();
            }

            @Override
            public LinkSecret secret() {
                return config().secret();
            }

            @Override
            public LinkTls tls() {
                return config().tls();
            }

            @Override
            public void authenticationFailed(String peer, Authentication.Failed why) {
                events.accept(HastEvent.of(HastEvent.AUTH_FAILED, config().name(), peer, why.code()));
            }

            @Override
            public boolean noCommonVersion(String peer, String why) {
                return !(secondary() instanceof SecondaryRole secondary) || secondary.noCommonVersion(why);
            }

            @Override
            public void attach(Connection connection, int version, Greeting.Hello hello, Runnable welcomed)
                    throws IOException {
                if (secondary() instanceof SecondaryRole secondary) {
                    secondary.attach(connection, version, hello, welcomed);
                } else {
                    ReplicationListener.refuse(connection, version, "Resource is no longer secondary.", false);
                }
            }

            private RoleState secondary() {
                synchronized (Resource.this) {
                    return state;
                }
            }
        };
    }

    /** Without this object's lock: a scrape must not wait for a role change. */
    ResourceMeters meters() {
        return meters.snapshot(config.name());
    }

    synchronized ResourceInfo info() {
        ResourceConfig c = config;
        RoleState s = state;
        String export = role == Role.PRIMARY ? c.export().address().toString() : null;
        return new ResourceInfo(c.name(), role, c.provname(), c.local(), s == null ? 0 : s.extentsize(),
                s == null ? 0 : s.keepdirty(), c.remote(), c.source(), c.replication(), c.checksum(),
                c.compression(), s == null ? null : s.status(), s == null ? 0 : s.dirtyBytes(), export, null,
                (s == null ? Statistics.ZERO : s.statistics()).withAuthFailures(authFailures.sum()),
                s == null ? Queues.EMPTY : s.queues(),
                s == null ? null : s.sync(),
                s == null ? replication.localProviders().problem(c.local()) : s.problem(), s != null && s.connected(),
                s == null ? null : s.consistency(),
                s == null ? null : s.protocol(), s == null ? null : s.syncRate());
    }
}
