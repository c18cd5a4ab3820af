package hast.engine.node;

import java.util.Hashtable;
import java.util.Map;

import hast.api.device.HastDevice;
import hast.engine.resource.DevicePublisher;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Publishes primary devices as {@link HastDevice} services. Unregistering is synchronous: when
 * {@code withdraw} returns, every exporter's unbind (which drains its clients) has run.
 */
final class ServicePublisher implements DevicePublisher {
    private final BundleContext context;

    ServicePublisher(BundleContext context) {
        this.context = context;
    }

    @Override
    public Publication publish(HastDevice device, Map<String, Object> properties) {
        ServiceRegistration<HastDevice> registration =
                context.registerService(HastDevice.class, device, new Hashtable<>(properties));
        return registration::unregister;
    }
}
