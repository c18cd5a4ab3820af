package hast.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.control.HastNode;
import hast.api.metrics.HastMeters;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The HTTP endpoint Prometheus scrapes ({@code /metrics}), open while the engine's meters carry
 * a {@code metrics-listen} address and this bundle runs: the engine registers its meters anew
 * when the address changes, and stopping the bundle deactivates this and closes the port.
 * A port that cannot be bound is logged; the daemon goes on without metrics.
 */
@Component(service = {}, immediate = true)
public final class MetricsEndpoint {
    private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class.getName());

    private final HTTPServer server;

    /** The meters are bound twice: as the service, and as its properties, which carry the address. */
    @Activate
    public MetricsEndpoint(@Reference HastNode node,
            @Reference(target = "(" + HastMeters.LISTEN + "=*)") HastMeters meters,
            @Reference(service = HastMeters.class, target = "(" + HastMeters.LISTEN + "=*)", name = "listen")
            Map<String, Object> listen) {
        HastAddress address = HastAddress.parse((String) listen.get(HastMeters.LISTEN));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ResourceCollector(node, meters));
        registerJvm(registry);
        this.server = serve(address, registry);
    }

    /**
     * The JVM's own series, each collector on its own: JvmMetrics would keep every registry it
     * saw in a static set, and its memory pool allocation collector leaves a GC listener on the
     * platform beans that outlives this bundle.
     */
    private static void registerJvm(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    private static HTTPServer serve(HastAddress address, PrometheusRegistry registry) {
        try {
            InetAddress host = InetAddress.getByName(address.host());
            if (!host.isLoopbackAddress()) {
                LOG.warning(() -> "metrics-listen " + address + " is not a loopback address: anyone who reaches it"
                        + " reads this node's metrics (the endpoint has no authentication).");
            }
            HTTPServer server = HTTPServer.builder().inetAddress(host).port(address.port()).registry(registry)
                    .buildAndStart();
            LOG.info(() -> "Serving metrics on " + address + ", path /metrics.");
            return server;
        } catch (IOException | RuntimeException e) {
            LOG.severe(() -> "Unable to serve metrics on " + address + ": " + e.getMessage()
                    + "; the daemon goes on without them.");
            return null;
        }
    }

    @Deactivate
    void close() {
        if (server != null) {
            server.close();
            LOG.info("Metrics endpoint closed.");
        }
    }
}
