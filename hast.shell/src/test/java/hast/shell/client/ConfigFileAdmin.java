package hast.shell.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.MetadataInfo;
import hast.api.control.NodeAdmin;
import hast.shell.ctl.TestNode;

/**
 * The NodeAdmin that {@link java.util.ServiceLoader} finds on the test class path, standing in for
 * the engine's. Its "configuration file" holds just the control socket's address; create and dump
 * answer for {@link TestNode}'s resources.
 */
public final class ConfigFileAdmin implements NodeAdmin {
    private final TestNode resources = new TestNode();

    @Override
    public List<String> resourceNames(Path config) throws HastException {
        controlAddress(config);
        return resources.resourceNames(config);
    }

    @Override
    public HastAddress controlAddress(Path config) throws HastException {
        try {
            return HastAddress.parse(Files.readString(config).strip());
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_OSFILE, "Unable to open configuration file " + config + ": " + e, e);
        }
    }

    @Override
    public MetadataInfo create(Path config, String resource, long extentsize, long keepdirty, long mediasize)
            throws HastException {
        return resources.create(config, resource, extentsize, keepdirty, mediasize);
    }

    @Override
    public MetadataInfo dump(Path config, String resource) throws HastException {
        return resources.dump(config, resource);
    }

    @Override
    public List<String> check(Path config, List<String> nodes) throws HastException {
        controlAddress(config);
        return resources.check(config, nodes);
    }
}
