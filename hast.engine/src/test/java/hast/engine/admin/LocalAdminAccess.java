package hast.engine.admin;

import java.nio.file.Path;

import hast.api.HastException;
import hast.api.control.MetadataInfo;
import hast.engine.config.NodeIdentity;
import hast.engine.local.LocalProviders;

/** {@code hastctl create} and {@code dump} for tests of other packages, as node "n". */
public final class LocalAdminAccess {
    private static final LocalAdmin ADMIN = new LocalAdmin(NodeIdentity.named("n"));

    private LocalAdminAccess() {
    }

    public static MetadataInfo create(Path conf, String resource, long extentsize, long keepdirty) throws HastException {
        return ADMIN.create(conf, resource, extentsize, keepdirty, 0);
    }

    /** {@code hastctl create} as node {@code node} of a configuration naming several. */
    public static MetadataInfo create(Path conf, String node, String resource, long extentsize, long keepdirty)
            throws HastException {
        return new LocalAdmin(NodeIdentity.named(node)).create(conf, resource, extentsize, keepdirty, 0);
    }

    /** {@code hastctl dump} as node {@code node}. */
    public static MetadataInfo dump(Path conf, String node, String resource) throws HastException {
        return new LocalAdmin(NodeIdentity.named(node)).dump(conf, resource);
    }

    /** {@code hastctl create} as node {@code node}, at a console whose whiteboard holds {@code providers}. */
    public static MetadataInfo create(Path conf, String node, String resource, long extentsize, long keepdirty,
            LocalProviders providers) throws HastException {
        return new LocalAdmin(NodeIdentity.named(node), providers).create(conf, resource, extentsize, keepdirty, 0);
    }

    /** {@code hastctl dump} as node {@code node}, at a console whose whiteboard holds {@code providers}. */
    public static MetadataInfo dump(Path conf, String node, String resource, LocalProviders providers)
            throws HastException {
        return new LocalAdmin(NodeIdentity.named(node), providers).dump(conf, resource);
    }

    public static MetadataInfo dump(Path conf, String resource) throws HastException {
        return ADMIN.dump(conf, resource);
    }
}
