package hast.engine.resource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

import hast.api.event.HastEvent;

/**
 * Failures of this node's own disk, as the operator hears of them: a log line and a
 * {@code local-error} event for hooks. A failing disk can fail thousands of requests a second, so
 * each kind of request raises at most one event per {@link #BURST}; the errors of a burst after
 * its first are folded into it, and the next event's log line says how many there were.
 * (The callers count every error in the resource's counters.)
 */
final class LocalErrors {
    private static final Logger LOG = Logger.getLogger(LocalErrors.class.getName());
    static final Duration BURST = Duration.ofSeconds(10);

    private final String resource;
    private final Consumer<HastEvent> events;
    /** Per request kind, the burst under way (guarded by {@code this}). */
    private final Map<String, Burst> bursts = new HashMap<>();

    private static final class Burst {
        final long startedNanos;
        long folded;

        Burst(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }

    LocalErrors(String resource, Consumer<HastEvent> events) {
        this.resource = resource;
        this.events = events;
    }

    /**
     * The local disk failed a request.
     *
     * @param op    {@code read}, {@code write}, {@code delete} or {@code flush}
     * @param error what the disk said (an errno's text), or that it did not answer in time
     */
    void report(String op, String error) {
        long now = System.nanoTime();
        long folded;
        synchronized (this) {
            Burst b = bursts.get(op);
            if (b != null && now - b.startedNanos < BURST.toNanos()) {
                b.folded++;
                return;
            }
            folded = b == null ? 0 : b.folded;
            bursts.put(op, new Burst(now));
        }
        LOG.warning(() -> "[" + resource + "] Local " + op + " error: " + error + "."
                + (folded == 0 ? "" : " " + folded + " more local " + op + " errors were folded into the previous"
                        + " local-error event."));
        events.accept(HastEvent.of(HastEvent.LOCAL_ERROR, resource, op, error));
    }
}
