package hast.engine.resource;

import hast.api.HastException;
import hast.api.control.Statistics;
import hast.engine.config.ResourceConfig;

/**
 * What a secondary holds: its local component, opened and locked, with metadata checked, ready
 * for a primary to connect.
 */
final class SecondaryRole implements Resource.RoleState {
    private final LocalComponent local;

    private SecondaryRole(LocalComponent local) {
        this.local = local;
    }

    static SecondaryRole start(ResourceConfig config) throws HastException {
        return new SecondaryRole(LocalComponent.open(config));
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
    public String status() {
        return "degraded";
    }

    @Override
    public Statistics statistics() {
        return Statistics.ZERO;
    }

    @Override
    public void close() {
        local.close();
    }
}
