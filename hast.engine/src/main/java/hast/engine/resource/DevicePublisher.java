package hast.engine.resource;

import java.util.Map;

import hast.api.device.HastDevice;

/**
 * Makes a primary resource's device visible to exporting bundles, keeping the resource code free
 * of OSGi: the daemon implements it with a service registration.
 */
@FunctionalInterface
public interface DevicePublisher {

    /** A published device; {@link #withdraw()} returns once exporters have let go of it. */
    interface Publication {
        void withdraw();
    }

    Publication publish(HastDevice device, Map<String, Object> properties);
}
