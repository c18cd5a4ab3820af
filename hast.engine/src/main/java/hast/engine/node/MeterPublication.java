package hast.engine.node;

import java.util.Hashtable;
import java.util.Objects;

import hast.api.HastAddress;
import hast.api.metrics.HastMeters;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Publishes the engine's meters as a {@link HastMeters} service, with hast.conf's
 * {@code metrics-listen} address as its {@link HastMeters#LISTEN} property. A changed address is
 * a new registration rather than changed properties: an exporter bound to the service is then
 * deactivated, closing the old port, and activated on the new one.
 */
final class MeterPublication implements AutoCloseable {
    private final BundleContext context;
    private final HastMeters meters;
    private ServiceRegistration<HastMeters> registration;
    private HastAddress listen;

    MeterPublication(BundleContext context, HastMeters meters) {
        this.context = context;
        this.meters = meters;
    }

    /** Registers the service, or registers it anew when {@code address} (null: metrics off) changed. */
    synchronized void configure(HastAddress address) {
        if (registration != null && Objects.equals(address, listen)) {
            return;
        }
        close();
        Hashtable<String, Object> properties = new Hashtable<>();
        if (address != null) {
            properties.put(HastMeters.LISTEN, address.toString());
        }
        registration = context.registerService(HastMeters.class, meters, properties);
        listen = address;
    }

    @Override
    public synchronized void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework unregistered it as the bundle stopped.
            }
            registration = null;
        }
    }
}
