package hast.shell.ctl;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.Consistency;
import hast.api.control.HastNode;
import hast.api.control.MetadataInfo;
import hast.api.control.NodeAdmin;
import hast.api.control.Queues;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;
import hast.api.control.SyncRate;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.event.HastEvent;

/**
 * A node holding fixed resources, for the output-format and argument tests of hastctl (the
 * system tests run hastctl against the real daemon). Resources: {@code shared} (primary, with
 * every optional line; a verification finds extents 2 and 7 of 8 differing, 1 skipped),
 * {@code idle} (init, none of them) and {@code backup} (secondary). Events published here reach
 * the subscriptions that want them, in the publishing thread.
 */
public final class TestNode implements HastNode, NodeAdmin, EventFeed {
    /** The subscriptions open now, with the resources they asked for. */
    public final List<Map.Entry<List<String>, Consumer<HastEvent>>> followers = new CopyOnWriteArrayList<>();
    private final Map<String, ResourceInfo> resources = Collections.synchronizedMap(new LinkedHashMap<>());
    /** What was asked of the node, in order: "role NAME ROLE", "reload", "create CONFIG NAME E K M". */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final Path socket;
    /** A resource whose provider cannot be opened: role changes and dumps of it fail with 66. */
    private volatile String broken;
    /** When set, every call fails with this, standing for a bug behind the command. */
    private volatile RuntimeException bug;

    public TestNode() {
        this(Path.of("/nonexistent/hast/ctl.sock"));
    }

    /** A node whose control socket is {@code socket}. */
    public TestNode(Path socket) {
        this.socket = socket;
        add(new ResourceInfo("shared", Role.PRIMARY, "shared", "/dev/sdb", 2097152, 64, "tcp://10.0.0.2:8457",
                "tcp://10.0.0.1:0", "fullsync", "none", "hole", "degraded", 4194304, "tcp://127.0.0.1:10809",
                "/dev/hast/shared", new Statistics(11, 22, 3, 4, 5, 1, 2, 0, 0, 6, 90112, 30034, 2, 1),
                new Queues(3, 1, 7, 2, 60), new SyncProgress(8388608, 2097152, 1048576), "split-brain", false,
                Consistency.CONSISTENT, null, new SyncRate("50M", 52428800, false)));
        add(new ResourceInfo("idle", Role.INIT, "idle", "/var/lib/hast/idle.img", 0, 0, "none", null, "memsync",
                "none", "hole", null, 0, null, null, Statistics.ZERO, Queues.EMPTY, null, null, false, null, null, null));
        add(new ResourceInfo("backup", Role.SECONDARY, "bk0", "/dev/sdc", 131072, 0, "tcp://10.0.0.1",
                null, "async", "crc32", "lzf", "complete", 0, null, null,
                new Statistics(0, 7, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), new Queues(1, 0, 0, 0, 0), null, null, true,
                Consistency.CONSISTENT, "3", null));
    }

    private void add(ResourceInfo r) {
        resources.put(r.name(), r);
    }

    /** Gives {@code r} this status and connection, as a pair that joins or parts would. */
    public void put(ResourceInfo r, String status, boolean connected) {
        put(r, status, connected, r.problem(), connected ? r.protocol() : null);
    }

    /**
     * Gives {@code r} this status, connection, problem and protocol (the version while connected,
     * why there is none after a refusal), as hastd would.
     */
    public void put(ResourceInfo r, String status, boolean connected, String problem, String protocol) {
        add(new ResourceInfo(r.name(), r.role(), r.provname(), r.localpath(), r.extentsize(), r.keepdirty(),
                r.remoteaddr(), r.sourceaddr(), r.replication(), r.checksum(), r.compression(), status, r.dirty(),
                r.exportaddr(), r.device(), r.statistics(), r.queues(), r.sync(), problem, connected,
                r.consistency(), protocol, r.syncrate()));
    }

    /** Gives the secondary {@code r} this consistency and the synchronisation it receives, as hastd would. */
    public void put(ResourceInfo r, Consistency consistency, SyncProgress sync) {
        add(new ResourceInfo(r.name(), r.role(), r.provname(), r.localpath(), r.extentsize(), r.keepdirty(),
                r.remoteaddr(), r.sourceaddr(), r.replication(), r.checksum(), r.compression(),
                consistency == Consistency.CONSISTENT ? r.status() : "degraded",
                sync == null ? 0 : sync.total() - sync.done(), r.exportaddr(), r.device(), r.statistics(), r.queues(),
                sync, r.problem(), r.connected(), consistency, r.protocol(), r.syncrate()));
    }

    public void breakProvider(String name) {
        broken = name;
    }

    public void failWith(RuntimeException e) {
        bug = e;
    }

    private void check(String name) throws HastException {
        if (bug != null) {
            throw bug;
        }
        if (name.equals(broken)) {
            throw new HastException(Sysexits.EX_NOINPUT, "Unable to open " + resources.get(name).localpath()
                    + " of resource " + name + ": Permission denied");
        }
    }

    @Override
    public Path configPath() {
        return Path.of("/etc/hast.conf");
    }

    @Override
    public HastAddress controlAddress() {
        return HastAddress.parse("uds://" + socket);
    }

    @Override
    public List<ResourceInfo> resources() {
        if (bug != null) {
            throw bug;
        }
        synchronized (resources) {
            return List.copyOf(resources.values());
        }
    }

    @Override
    public Optional<ResourceInfo> resource(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    /** Refuses to promote an inconsistent copy unless forced, as hastd does (the engine's tests prove it there). */
    @Override
    public Role setRole(String name, Role role, boolean force) throws HastException {
        ResourceInfo r = resources.get(name);
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        check(name);
        if (role == Role.PRIMARY && !force && r.consistency() != null && r.consistency() != Consistency.CONSISTENT) {
            throw new HastException(INCONSISTENT, "Not made primary: this copy of " + name + " is inconsistent.");
        }
        calls.add("role " + name + " " + role + (force ? " forced" : ""));
        return r.role();
    }

    @Override
    public Verification verify(String name, VerifyProgress progress) throws HastException {
        ResourceInfo r = resources.get(name);
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        check(name);
        if (r.role() != Role.PRIMARY) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] The resource is " + r.role().label()
                    + " here; verify runs on the primary.");
        }
        calls.add("verify " + name);
        for (int e = 1; e <= 8; e++) {
            progress.compared(e, 8);
        }
        return new Verification(8, 2097152, 8 * 2097152 - 4096, List.of(2L, 7L), 1);
    }

    @Override
    public String discard(String name) throws HastException {
        ResourceInfo r = resources.get(name);
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        check(name);
        if (r.role() != Role.SECONDARY) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] The resource is " + r.role().label()
                    + " here; discard runs on the secondary whose writes are to be given up.");
        }
        calls.add("discard " + name);
        return "[" + name + "] discarded";
    }

    /** Pauses a primary's synchronisation, as hastd would: its syncrate says paused from then on. */
    @Override
    public String pauseSync(String name) throws HastException {
        return pace(name, true);
    }

    @Override
    public String resumeSync(String name) throws HastException {
        return pace(name, false);
    }

    private String pace(String name, boolean pause) throws HastException {
        ResourceInfo r = resources.get(name);
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        check(name);
        if (r.role() != Role.PRIMARY || r.sync() == null || r.syncrate().paused() == pause) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + name + "] No synchronization is "
                    + (pause ? "running" : "paused") + ".");
        }
        calls.add((pause ? "pause " : "resume ") + name);
        add(new ResourceInfo(r.name(), r.role(), r.provname(), r.localpath(), r.extentsize(), r.keepdirty(),
                r.remoteaddr(), r.sourceaddr(), r.replication(), r.checksum(), r.compression(), r.status(), r.dirty(),
                r.exportaddr(), r.device(), r.statistics(), r.queues(), r.sync(), r.problem(), r.connected(),
                r.consistency(), r.protocol(), new SyncRate(r.syncrate().mode(), r.syncrate().limit(), pause)));
        return "[" + name + "] Synchronization " + (pause ? "paused." : "resumed.");
    }

    @Override
    public void reload() {
        calls.add("reload");
    }

    @Override
    public Subscription follow(List<String> names, Consumer<HastEvent> sink) {
        Map.Entry<List<String>, Consumer<HastEvent>> follower = Map.entry(List.copyOf(names), sink);
        // Recorded before the follower shows: tests wait for the follower, then read the calls.
        calls.add("follow " + names);
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    /** Delivers {@code event} to the subscriptions that want it. */
    public void publish(HastEvent event) {
        for (Map.Entry<List<String>, Consumer<HastEvent>> f : followers) {
            if (f.getKey().isEmpty() || f.getKey().contains(event.resource())) {
                f.getValue().accept(event);
            }
        }
    }

    @Override
    public List<String> resourceNames(Path config) {
        return List.copyOf(resources.keySet());
    }

    @Override
    public HastAddress controlAddress(Path config) {
        return controlAddress();
    }

    @Override
    public MetadataInfo create(Path config, String resource, long extentsize, long keepdirty, long mediasize)
            throws HastException {
        check(resource);
        calls.add("create " + config + " " + resource + " " + extentsize + " " + keepdirty + " " + mediasize);
        return dump(config, resource);
    }

    @Override
    public MetadataInfo dump(Path config, String resource) throws HastException {
        check(resource);
        return new MetadataInfo(resource, 1099511558144L, 2097152, 64, 69632, -1, 3, 2, Role.SECONDARY,
                Consistency.CONSISTENT);
    }

    @Override
    public List<String> check(Path config, List<String> nodes) throws HastException {
        calls.add("check " + config + " " + String.join(" ", nodes));
        if (nodes.contains("ghost")) {
            throw new HastException(78, config + ":3: No resource shared configuration for this node (for ghost)");
        }
        return List.of(config + ": valid for this node (test): resources " + String.join(", ", resources.keySet()));
    }
}
