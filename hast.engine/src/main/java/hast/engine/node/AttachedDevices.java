package hast.engine.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.device.DeviceNode;
import hast.api.device.HastDevice;

/**
 * This node as hastctl sees it: the resources, each primary one with the kernel device that
 * another bundle made for it (a {@link DeviceNode} service), if any.
 */
final class AttachedDevices implements HastNode {
    /** Resource name to device path, as the DeviceNode services come and go (also before {@link #over}). */
    private final Map<String, String> devices = new ConcurrentHashMap<>();
    private volatile HastNode resources;

    /** Serves {@code resources}, before this is registered. */
    void over(HastNode resources) {
        this.resources = resources;
    }

    void added(DeviceNode node, Map<String, Object> properties) {
        if (properties.get(HastDevice.RESOURCE) instanceof String resource) {
            devices.put(resource, node.path().toString());
        }
    }

    void removed(DeviceNode node, Map<String, Object> properties) {
        if (properties.get(HastDevice.RESOURCE) instanceof String resource) {
            devices.remove(resource, node.path().toString());
        }
    }

    private ResourceInfo withDevice(ResourceInfo info) {
        String device = info.role() == Role.PRIMARY ? devices.get(info.name()) : null;
        return device == null ? info : info.withDevice(device);
    }

    @Override
    public Path configPath() {
        return resources.configPath();
    }

    @Override
    public HastAddress controlAddress() {
        return resources.controlAddress();
    }

    @Override
    public List<ResourceInfo> resources() {
        return resources.resources().stream().map(this::withDevice).toList();
    }

    @Override
    public Optional<ResourceInfo> resource(String name) {
        return resources.resource(name).map(this::withDevice);
    }

    @Override
    public Role setRole(String name, Role role, boolean force) throws HastException {
        return resources.setRole(name, role, force);
    }

    @Override
    public void reload() throws HastException {
        resources.reload();
    }

    @Override
    public Verification verify(String name, VerifyProgress progress) throws HastException {
        return resources.verify(name, progress);
    }

    @Override
    public String discard(String name) throws HastException {
        return resources.discard(name);
    }

    @Override
    public String pauseSync(String name) throws HastException {
        return resources.pauseSync(name);
    }

    @Override
    public String resumeSync(String name) throws HastException {
        return resources.resumeSync(name);
    }
}
