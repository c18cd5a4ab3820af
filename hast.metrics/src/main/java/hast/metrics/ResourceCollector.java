package hast.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import hast.api.Role;
import hast.api.control.Consistency;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.metrics.HastMeters;
import hast.api.metrics.Latency;
import hast.api.metrics.ResourceMeters;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Every resource's series, read from the engine at each scrape: what {@code hastctl list} shows
 * ({@link HastNode}) and the meters kept for exporters ({@link HastMeters}). Nothing is kept
 * here between scrapes. The request counters of {@code hastctl list} start again with each role
 * (a counter reset to Prometheus); the byte counters, latencies, connections and split-brains
 * count from the daemon's start.
 */
final class ResourceCollector implements MultiCollector {
    private static final String RESOURCE = "resource";
    private static final double NANOS_PER_SECOND = 1e9;

    private final HastNode node;
    private final HastMeters meters;

    ResourceCollector(HastNode node, HastMeters meters) {
        this.node = node;
        this.meters = meters;
    }

    @Override
    public MetricSnapshots collect() {
        List<ResourceInfo> infos = node.resources();
        Map<String, ResourceMeters> byName = new HashMap<>();
        for (ResourceMeters m : meters.resources()) {
            byName.put(m.name(), m);
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        states(all, infos);
        gauges(all, infos);
        requests(all, infos);
        List<ResourceMeters> metered = new ArrayList<>();
        for (ResourceInfo r : infos) {
            ResourceMeters m = byName.get(r.name());
            if (m != null) {
                metered.add(m);
            }
        }
        meters(all, metered);
        return all.build();
    }

    /** One series per possible value, 1 for the one in force: what dashboards filter and alerts match. */
    private static void states(MetricSnapshots.Builder all, List<ResourceInfo> infos) {
        GaugeSnapshot.Builder role = gauge("hast_role", "The resource's role: 1 for the current one.");
        GaugeSnapshot.Builder status = gauge("hast_status",
                "1 for the resource's status: complete (both copies in step) or degraded; none while in init.");
        GaugeSnapshot.Builder consistency = gauge("hast_consistency",
                "1 for whether this node's copy may be promoted: consistent, incomplete or outdated; none while in init.");
        for (ResourceInfo r : infos) {
            for (Role each : Role.values()) {
                role.dataPoint(point(r, each == r.role() ? 1 : 0, "role", each.label()));
            }
            if (r.status() != null) {
                for (String each : new String[] {"complete", "degraded"}) {
                    status.dataPoint(point(r, each.equals(r.status()) ? 1 : 0, "status", each));
                }
            }
            if (r.consistency() != null) {
                for (Consistency each : Consistency.values()) {
                    consistency.dataPoint(point(r, each == r.consistency() ? 1 : 0, "consistency", each.label()));
                }
            }
        }
        all.metricSnapshot(role.build()).metricSnapshot(status.build()).metricSnapshot(consistency.build());
    }

    private static void gauges(MetricSnapshots.Builder all, List<ResourceInfo> infos) {
        all.metricSnapshot(perResource(infos, gauge("hast_connected",
                "1 while the replication connection to the other node is up."), r -> r.connected() ? 1 : 0));
        all.metricSnapshot(perResource(infos, gauge("hast_split_brain",
                "1 while a split-brain keeps the pair apart and waits for an operator."),
                r -> "split-brain".equals(r.problem()) ? 1 : 0));
        all.metricSnapshot(perResource(infos, gauge("hast_dirty_bytes", "Bytes in dirty extents."), ResourceInfo::dirty));
        all.metricSnapshot(perResource(infos, gauge("hast_syncing", "1 while a synchronisation runs."),
                r -> r.sync() == null ? 0 : 1));
        GaugeSnapshot.Builder total = gauge("hast_sync_bytes", "Bytes the synchronisation under way copies in all.");
        GaugeSnapshot.Builder done = gauge("hast_sync_done_bytes", "Bytes the synchronisation under way has copied.");
        GaugeSnapshot.Builder rate = gauge("hast_sync_rate_bytes_per_second",
                "Average rate of the synchronisation under way.");
        for (ResourceInfo r : infos) {
            if (r.sync() != null) {
                total.dataPoint(point(r, r.sync().total()));
                done.dataPoint(point(r, r.sync().done()));
                rate.dataPoint(point(r, r.sync().bytesPerSecond()));
            }
        }
        all.metricSnapshot(total.build()).metricSnapshot(done.build()).metricSnapshot(rate.build());
        GaugeSnapshot.Builder queues = gauge("hast_queue_requests",
                "Requests waiting or running in each stage (hastctl(8), list: queues).");
        for (ResourceInfo r : infos) {
            queues.dataPoint(point(r, r.queues().local(), "queue", "local"));
            queues.dataPoint(point(r, r.queues().send(), "queue", "send"));
            queues.dataPoint(point(r, r.queues().recv(), "queue", "recv"));
            queues.dataPoint(point(r, r.queues().done(), "queue", "done"));
        }
        all.metricSnapshot(queues.build());
        all.metricSnapshot(perResource(infos, gauge("hast_io_threads_idle", "A primary's I/O threads with nothing to do."),
                r -> r.queues().idle()));
    }

    /** The counters of {@code hastctl list}, since the role started. */
    private static void requests(MetricSnapshots.Builder all, List<ResourceInfo> infos) {
        CounterSnapshot.Builder requests = counter("hast_requests", "Requests carried out since the role started.");
        CounterSnapshot.Builder errors = counter("hast_request_errors",
                "Requests failed since the role started: on this node's disk (local) or answered with an error by the secondary (remote).");
        for (ResourceInfo r : infos) {
            Statistics s = r.statistics();
            requests.dataPoint(count(r, s.reads(), "type", "read"));
            requests.dataPoint(count(r, s.writes(), "type", "write"));
            requests.dataPoint(count(r, s.deletes(), "type", "delete"));
            requests.dataPoint(count(r, s.flushes(), "type", "flush"));
            errors.dataPoint(count(r, s.readErrors(), "type", "read", "component", "local"));
            errors.dataPoint(count(r, s.writeErrors(), "type", "write", "component", "local"));
            errors.dataPoint(count(r, s.deleteErrors(), "type", "delete", "component", "local"));
            errors.dataPoint(count(r, s.flushErrors(), "type", "flush", "component", "local"));
            errors.dataPoint(count(r, s.remoteErrors(), "type", "any", "component", "remote"));
        }
        all.metricSnapshot(requests.build()).metricSnapshot(errors.build());
        all.metricSnapshot(counters(infos, "hast_activemap_updates", "Activemap writes since the role started.",
                r -> r.statistics().activemapUpdates()));
        all.metricSnapshot(counters(infos, "hast_data_bytes",
                "Bytes of data sent to the peer since the role started, before compression.",
                r -> r.statistics().dataBytes()));
        all.metricSnapshot(counters(infos, "hast_wire_bytes",
                "What that data took on the wire, compressed and with its codec blocks.", r -> r.statistics().wireBytes()));
        all.metricSnapshot(counters(infos, "hast_compression_fallbacks",
                "Payloads sent uncompressed because the compressor was missing on a node.",
                r -> r.statistics().compressionFallbacks()));
        all.metricSnapshot(counters(infos, "hast_checksum_failures",
                "Payloads received damaged (digest mismatch or undecodable) since the role started.",
                r -> r.statistics().checksumFailures()));
        all.metricSnapshot(counters(infos, "hast_auth_failures",
                "Peers of the replication link refused for failed authentication since the daemon started.",
                r -> r.statistics().authFailures()));
        all.metricSnapshot(counters(infos, "hast_mode_refusals",
                "Writes, trims and flushes refused because the configured replication mode was not registered.",
                r -> r.statistics().modeRefusals()));
    }

    /** The meters kept since the daemon started. */
    private static void meters(MetricSnapshots.Builder all, List<ResourceMeters> metered) {
        CounterSnapshot.Builder bytes = counter("hast_request_bytes", "Bytes of clients' requests to the primary, by type.");
        CounterSnapshot.Builder connects = counter("hast_connects",
                "Replication connections made: the first and every reconnection.");
        CounterSnapshot.Builder splitBrains = counter("hast_split_brains", "Split-brains found, one per episode.");
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("hast_write_latency_seconds")
                .help("How long the primary's writes took on this node's disk (local) and until the secondary stored them (remote).");
        for (ResourceMeters m : metered) {
            Labels resource = Labels.of(RESOURCE, m.name());
            bytes.dataPoint(count(resource, m.readBytes(), "type", "read"));
            bytes.dataPoint(count(resource, m.writeBytes(), "type", "write"));
            bytes.dataPoint(count(resource, m.deleteBytes(), "type", "delete"));
            connects.dataPoint(count(resource, m.connects()));
            splitBrains.dataPoint(count(resource, m.splitBrains()));
            latency.dataPoint(histogram(resource.add("component", "local"), m.localWrites()));
            latency.dataPoint(histogram(resource.add("component", "remote"), m.remoteWrites()));
        }
        all.metricSnapshot(bytes.build()).metricSnapshot(connects.build()).metricSnapshot(splitBrains.build())
                .metricSnapshot(latency.build());
    }

    private static HistogramDataPointSnapshot histogram(Labels labels, Latency latency) {
        long[] bounds = latency.boundsNanos();
        double[] seconds = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            seconds[i] = bounds[i] / NANOS_PER_SECOND;
        }
        seconds[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(seconds, latency.counts()))
                .sum(latency.sumNanos() / NANOS_PER_SECOND).build();
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static GaugeSnapshot perResource(List<ResourceInfo> infos, GaugeSnapshot.Builder gauge,
            ToDoubleFunction<ResourceInfo> value) {
        for (ResourceInfo r : infos) {
            gauge.dataPoint(point(r, value.applyAsDouble(r)));
        }
        return gauge.build();
    }

    private static CounterSnapshot counters(List<ResourceInfo> infos, String name, String help,
            ToDoubleFunction<ResourceInfo> value) {
        CounterSnapshot.Builder counter = counter(name, help);
        for (ResourceInfo r : infos) {
            counter.dataPoint(count(Labels.of(RESOURCE, r.name()), value.applyAsDouble(r)));
        }
        return counter.build();
    }

    private static GaugeDataPointSnapshot point(ResourceInfo r, double value, String... labels) {
        return GaugeDataPointSnapshot.builder().labels(Labels.of(RESOURCE, r.name()).merge(Labels.of(labels)))
                .value(value).build();
    }

    private static CounterDataPointSnapshot count(ResourceInfo r, double value, String... labels) {
        return count(Labels.of(RESOURCE, r.name()), value, labels);
    }

    private static CounterDataPointSnapshot count(Labels resource, double value, String... labels) {
        return CounterDataPointSnapshot.builder().labels(resource.merge(Labels.of(labels))).value(value).build();
    }
}
