package hast.engine.resource;

import java.util.concurrent.atomic.LongAdder;

import hast.api.event.HastEvent;
import hast.api.metrics.ResourceMeters;

/**
 * One resource's meters for metrics exporters, kept as long as the resource (unlike
 * {@link Counters}, which start again with each role): bytes by request type and write latencies
 * on the primary's request path, and the connections and split-brains its events report.
 */
final class Meters {
    final LongAdder readBytes = new LongAdder();
    final LongAdder writeBytes = new LongAdder();
    final LongAdder deleteBytes = new LongAdder();
    final LatencyHistogram localWrites = new LatencyHistogram();
    final LatencyHistogram remoteWrites = new LatencyHistogram();
    private final LongAdder connects = new LongAdder();
    private final LongAdder splitBrains = new LongAdder();

    /** Counts what {@code event} (raised by this resource's roles) reports. */
    void count(HastEvent event) {
        switch (event.type()) {
            case HastEvent.CONNECT -> connects.increment();
            case HastEvent.SPLIT_BRAIN -> splitBrains.increment();
            default -> {
            }
        }
    }

    ResourceMeters snapshot(String name) {
        return new ResourceMeters(name, readBytes.sum(), writeBytes.sum(), deleteBytes.sum(), localWrites.snapshot(),
                remoteWrites.snapshot(), connects.sum(), splitBrains.sum());
    }
}
