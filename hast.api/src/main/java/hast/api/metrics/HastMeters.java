package hast.api.metrics;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's meters, a service while the daemon runs. When hast.conf sets
 * {@code metrics-listen}, the registration carries that address as {@link #LISTEN}: a metrics
 * exporter serves there, and the engine registers the service anew when the address changes
 * (a reload), so an exporter bound to it follows by being deactivated and activated again.
 */
@ProviderType
public interface HastMeters {
    /**
     * Service property: the TCP address where metrics are to be served, as {@code HastAddress}
     * writes it (e.g. {@code tcp://127.0.0.1:9743}); absent when they are not.
     */
    String LISTEN = "hast.metrics.listen";

    /** Every configured resource's meters, in configuration-file order. */
    List<ResourceMeters> resources();
}
