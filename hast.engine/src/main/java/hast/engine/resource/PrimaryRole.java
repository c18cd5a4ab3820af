package hast.engine.resource;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.Consistency;
import hast.api.control.Queues;
import hast.api.control.Statistics;
import hast.api.control.SyncRate;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.device.HastDevice;
import hast.api.event.HastEvent;
import hast.engine.activemap.ActiveMap;
import hast.engine.activemap.ActiveMapStore;
import hast.engine.codec.PayloadCodec;
import hast.engine.config.ResourceConfig;
import hast.engine.metadata.Metadata;
import hast.engine.replication.LinkEndpoint;
import hast.engine.replication.RemoteLink;

/**
 * What a primary holds: the local component, its activemap (loaded from disk, so extents left
 * dirty by a crash stay dirty), and the device published for export.
 */
final class PrimaryRole implements Resource.RoleState {
    private static final Logger LOG = Logger.getLogger(PrimaryRole.class.getName());
    private static final long DRAIN_MILLIS = 60_000;
    /** The problem status shows while an operator holds the synchronisation. */
    static final String SYNC_PAUSED = "synchronization paused (hastctl resume)";

    private final LocalComponent local;
    private final DirtyExtents dirty;
    private final PrimaryDevice device;
    private final Counters counters;
    private final DevicePublisher.Publication publication;
    private final RemoteLink link;
    private final Synchronizer synchronizer;
    /** The synchronisation's rate and pause; {@code null} without a secondary. */
    private final SyncPace pace;
    private final Supplier<Duration> timeout;
    private final PrimaryPairing pairing;
    private final PayloadCodec codec;
    private final ConfiguredMode mode;
    /** Compares both copies; {@code null} without a secondary. */
    private final Verifier verifier;
    /** Flushes both nodes now and then, so that written extents become clean; {@code null} without a secondary. */
    private final CacheFlusher flusher;

    private PrimaryRole(LocalComponent local, DirtyExtents dirty, PrimaryDevice device, Counters counters,
            DevicePublisher.Publication publication, RemoteLink link, Synchronizer synchronizer, SyncPace pace,
            PrimaryPairing pairing, PayloadCodec codec, ConfiguredMode mode, Verifier verifier, CacheFlusher flusher,
            Supplier<Duration> timeout) {
        this.mode = mode;
        this.pace = pace;
        this.timeout = timeout;
        this.verifier = verifier;
        this.flusher = flusher;
        this.pairing = pairing;
        this.codec = codec;
        this.local = local;
        this.dirty = dirty;
        this.device = device;
        this.counters = counters;
        this.publication = publication;
        this.link = link;
        this.synchronizer = synchronizer;
    }

    /**
     * @param current the resource's configuration as reloads change it: each request takes the
     *                replication mode in force when it starts
     * @param meters  the resource's meters, which this role's requests feed
     * @param force   serve the copy even when its metadata says it is inconsistent (see {@link Promotion})
     */
    static PrimaryRole start(ResourceConfig config, Supplier<ResourceConfig> current, Replication replication,
            DevicePublisher publisher, Consumer<HastEvent> events, Meters meters, boolean force) throws HastException {
        ConfiguredMode mode = new ConfiguredMode(config.name(), () -> current.get().replication(), replication.modes());
        mode.awaitBeforeServing();
        LocalComponent local = LocalComponent.open(config, replication);
        try {
            Promotion.check(config.name(), local.metadata().consistency(), null, force);
        } catch (HastException refused) {
            local.close();
            throw refused;
        }
        try {
            // Never paired: nothing to compare counters with yet. Forced or not, this copy is the
            // reference from now on: what it holds is what clients are served and the secondary gets.
            local.updateMetadata(m -> (m.resuid() == 0 ? m.withCounters(0, 0) : m).withPrevrole(Role.PRIMARY)
                    .withConsistency(Consistency.CONSISTENT));
            Metadata md = local.metadata();
            Counters counters = new Counters();
            // Every data and activemap I/O of the role goes through it, so that a stall shows.
            WatchedDisk disk = new WatchedDisk(local.provider());
            ActiveMapStore store = new ActiveMapStore(disk, local.layout(), config.metaflush());
            ActiveMap map = new ActiveMap(md.datasize(), md.extentsize(), store.mapsize(), md.keepdirty());
            map.loadFrom(store.read());
            DirtyExtents dirty = new DirtyExtents(config.name(), md.datasize(), map, store, counters);
            StaleExtents stale = new StaleExtents(local);
            for (int e : stale.list()) {
                // Marked on disk already when the write failed; made sure of, as the copy depends on it.
                dirty.markForSync((long) e * md.extentsize(), 1);
            }
            LocalErrors localErrors = new LocalErrors(config.name(), events);
            SyncFence fence = new SyncFence(md.extentsize());
            Synchronizer[] sync = new Synchronizer[1];
            SyncPace pace = config.hasRemote() ? new SyncPace(config.name(), () -> current.get().syncrate(),
                    System::nanoTime) : null;
            PrimaryPairing pairing = new PrimaryPairing(config.name(), () -> current.get().remote(), local, dirty,
                    events, () -> sync[0].request());
            PayloadCodec codec = new PayloadCodec(config.name(), replication.codecs(), () -> current.get().codecs());
            RemoteLink link = null;
            Verifier verifier = null;
            if (config.hasRemote()) {
                link = new RemoteLink(config.name(), () -> endpoint(current.get()), replication.transports(),
                        () -> current.get().secret(),
                        () -> current.get().tls(), pairing, replication.protocols(), codec);
                sync[0] = new Synchronizer(config.name(), disk, md.localoff(), md.datasize(),
                        md.extentsize(), dirty, stale, fence, link, pairing, events, pace);
                verifier = new Verifier(config.name(), disk, md.localoff(), md.datasize(), md.extentsize(),
                        dirty, fence, link, codec, () -> current.get().checksum(), () -> sync[0].request());
            }
            PrimaryDevice device = new PrimaryDevice(config.name(), disk, md.localoff(), md.datasize(),
                    dirty, fence, link, mode, pairing, counters,
                    meters, stale, localErrors, () -> Duration.ofSeconds(current.get().timeout()), () -> sync[0].request(),
                    pace == null ? nanos -> { } : pace::written);
            CacheFlusher flusher = null;
            if (link != null) {
                link.start();
                flusher = new CacheFlusher(config.name(), dirty, link, device,
                        () -> Duration.ofSeconds(current.get().timeout()));
                flusher.start();
            }
            DevicePublisher.Publication publication;
            try {
                Map<String, Object> properties = new HashMap<>(config.export().deviceProperties());
                properties.put(HastDevice.NAME, config.provname());
                properties.put(HastDevice.RESOURCE, config.name());
                // Published before the secondary answers: the role change returns at once, and the
                // device's requests wait for the first connection attempt (FirstAttemptGate).
                HastDevice exported = link == null ? device : new FirstAttemptGate(device, link.firstAttempt());
                publication = publisher.publish(exported, properties);
            } catch (RuntimeException e) {
                if (link != null) {
                    flusher.close();
                    sync[0].close();
                    link.close();
                }
                throw e;
            }
            LOG.info(() -> "[" + config.name() + "] Exporting " + config.provname() + " at " + config.export() + ".");
            return new PrimaryRole(local, dirty, device, counters, publication, link, sync[0], pace, pairing, codec,
                    mode, verifier, flusher, () -> Duration.ofSeconds(current.get().timeout()));
        } catch (IOException e) {
            local.close();
            throw new HastException(Sysexits.EX_IOERR,
                    "[" + config.name() + "] Unable to start as primary: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    @Override
    public long dirtyBytes() {
        return dirty.dirtyBytes();
    }

    @Override
    public long extentsize() {
        return local.metadata().extentsize();
    }

    @Override
    public int keepdirty() {
        return local.metadata().keepdirty();
    }

    @Override
    public boolean connected() {
        return link != null && link.connected();
    }

    @Override
    public String protocol() {
        int version = link == null ? 0 : link.version();
        return version != 0 ? Integer.toString(version) : pairing.versionRefused();
    }

    @Override
    public String status() {
        // Complete only when the secondary is connected and holds everything (nothing left to copy),
        // and writes are accepted under the configured mode.
        return link != null && link.connected() && !synchronizer.running() && !dirty.needsSync()
                && mode.problem() == null ? "complete" : "degraded";
    }

    @Override
    public hast.api.control.SyncProgress sync() {
        return synchronizer == null ? null : synchronizer.progress();
    }

    @Override
    public String problem() {
        String paused = link == null ? null : link.paused();
        String refusing = mode.problem();
        // Refused writes first: they are what clients see.
        return refusing != null ? refusing : pairing.problem() != null ? pairing.problem()
                : paused != null ? "replication paused: " + paused
                : pace != null && pace.pauseRequested() ? SYNC_PAUSED : codec.fallback();
    }

    @Override
    public SyncRate syncRate() {
        return pace == null ? null : pace.state();
    }

    /** See {@link hast.api.control.HastNode#pauseSync}. */
    String pauseSync() throws HastException {
        String name = local.resource();
        if (synchronizer == null || !synchronizer.running()) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] No synchronization is running: there"
                    + " is nothing to pause.");
        }
        // The extents in flight wait at most the link's timeout for their answers.
        long millis = 2 * timeout.get().toMillis();
        boolean stopped;
        try {
            stopped = synchronizer.pause(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HastException(Sysexits.EX_TEMPFAIL, "[" + name + "] Interrupted while pausing.", e);
        }
        if (!stopped && !synchronizer.running()) {
            synchronizer.resume();
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] The synchronization ended before it"
                    + " could pause: there is nothing to pause.");
        }
        hast.api.control.SyncProgress p = synchronizer.progress();
        String where = p == null ? "" : " at " + p.percent() + "% (" + (p.total() - p.done()) + " bytes to go)";
        return "[" + name + "] Synchronization " + (stopped ? "paused" : "pausing once its extents in flight are"
                + " done") + where + "; the resource stays degraded until 'hastctl resume " + name + "'.";
    }

    /** See {@link hast.api.control.HastNode#resumeSync}. */
    String resumeSync() throws HastException {
        String name = local.resource();
        if (synchronizer == null || !synchronizer.resume()) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] No synchronization is paused: there"
                    + " is nothing to resume.");
        }
        return "[" + name + "] Synchronization resumed.";
    }

    @Override
    public Statistics statistics() {
        return counters.snapshot(codec, mode.refusals());
    }

    @Override
    public Queues queues() {
        return device.queues();
    }

    /** See {@link hast.api.control.HastNode#verify}. */
    Verification verify(VerifyProgress progress) throws HastException {
        String name = local.resource();
        if (verifier == null) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name
                    + "] The resource has no secondary (remote none): there is nothing to verify against.");
        }
        if (!link.connected()) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name
                    + "] Not connected to the secondary; verify needs both nodes.");
        }
        return verifier.run(progress);
    }

    /** Withdraws the export (clients drain), finishes in-flight I/O, then flushes activemap and metadata. */
    @Override
    public void close() {
        String name = local.resource();
        publication.withdraw();
        if (flusher != null) {
            flusher.close();
        }
        try {
            if (!device.close(DRAIN_MILLIS)) {
                LOG.warning(() -> "[" + name + "] Requests still running after " + DRAIN_MILLIS + " ms; closing anyway.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (synchronizer != null) {
            synchronizer.close();
        }
        if (link != null) {
            link.close();
        }
        try {
            dirty.flush();
            local.updateMetadata(m -> m);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "[" + name + "] Unable to flush activemap and metadata: " + e.getMessage(), e);
        } finally {
            local.close();
        }
    }

    /** The link's endpoint as {@code config} says: parsed again at each use, so that a reload moves it. */
    private static LinkEndpoint endpoint(ResourceConfig config) {
        return new LinkEndpoint(HastAddress.parse(config.remote()),
                config.source() == null ? null : HastAddress.parse(config.source(), 0),
                Duration.ofSeconds(config.timeout()));
    }
}
