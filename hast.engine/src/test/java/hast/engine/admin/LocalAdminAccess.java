package hast.engine.admin;

import java.nio.file.Path;

import hast.api.HastException;
import hast.api.control.MetadataInfo;
import hast.engine.config.NodeIdentity;

/** {@code hastctl create} and {@code dump} for tests of other packages, as node "n". */
public final class LocalAdminAccess {
    private static final LocalAdmin ADMIN = new LocalAdmin(NodeIdentity.named("n"));

    private LocalAdminAccess() {
    }

    public static MetadataInfo create(Path conf, String resource, long extentsize, long keepdirty) throws HastException {
        return ADMIN.create(conf, resource, extentsize, keepdirty, 0);
    }

    public static MetadataInfo dump(Path conf, String resource) throws HastException {
        return ADMIN.dump(conf, resource);
    }
}
