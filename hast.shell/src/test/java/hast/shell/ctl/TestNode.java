package hast.shell.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.MetadataInfo;
import hast.api.control.NodeAdmin;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;

/**
 * A node holding fixed resources, for the output-format and argument tests of hastctl. (The
 * system tests run hastctl against the real daemon.)
 */
public final class TestNode implements HastNode, NodeAdmin {
    final Map<String, ResourceInfo> resources = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    Path socket = Path.of("/tmp/none.sock");

    /** A node whose control socket is {@code socket}. */
    public static TestNode at(Path socket) {
        TestNode n = new TestNode();
        n.socket = socket;
        return n;
    }

    TestNode() {
        add(new ResourceInfo("shared", Role.PRIMARY, "shared", "/dev/sdb", 2097152, 64, "tcp://10.0.0.2:8457",
                "tcp://10.0.0.1:0", "fullsync", "none", "hole", "degraded", 4194304, "tcp://127.0.0.1:10809",
                new Statistics(11, 22, 3, 4, 5, 1, 2, 0, 0), new SyncProgress(8388608, 2097152, 1048576), "split-brain"));
        add(new ResourceInfo("idle", Role.INIT, "idle", "/var/lib/hast/idle.img", 0, 0, "none", null, "memsync",
                "none", "hole", null, 0, null, Statistics.ZERO, null, null));
    }

    void add(ResourceInfo r) {
        resources.put(r.name(), r);
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
        return List.copyOf(resources.values());
    }

    @Override
    public Optional<ResourceInfo> resource(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    @Override
    public Role setRole(String name, Role role) throws HastException {
        ResourceInfo r = resources.get(name);
        if (r == null) {
            throw new HastException(1, "Unknown resource " + name + ".");
        }
        calls.add("role " + name + " " + role);
        return r.role();
    }

    @Override
    public void reload() {
        calls.add("reload");
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
        if (!resources.containsKey(resource)) {
            throw new HastException(65, "Unknown resource " + resource + ".");
        }
        calls.add("create " + config + " " + resource + " " + extentsize + " " + keepdirty + " " + mediasize);
        return dump(config, resource);
    }

    @Override
    public MetadataInfo dump(Path config, String resource) throws HastException {
        if (!resources.containsKey(resource)) {
            throw new HastException(65, "Unknown resource " + resource + ".");
        }
        return new MetadataInfo(resource, 1099511558144L, 2097152, 64, 69632, 0, 3, 2, Role.SECONDARY);
    }
}
