package hast.engine.resource;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.replication.ReplicationMode;

/**
 * The replication mode a primary's configuration names, looked up on the whiteboard for each
 * modifying request. A mode that is not there (its bundle not installed, stopped, or being
 * updated) is never replaced by another: the request is refused, counted, and the resource shows
 * the problem until the mode is back, which the next request finds without a restart. Acknowledging
 * a write under a mode the administrator did not choose could tell a client its data is on both
 * nodes when it is not, or hold it longer than the administrator agreed to.
 */
final class ConfiguredMode {
    private static final Logger LOG = Logger.getLogger(ConfiguredMode.class.getName());

    private final String resource;
    private final Supplier<String> name;
    private final Function<String, Optional<ReplicationMode>> modes;
    private final LongAdder refusals = new LongAdder();
    /** Whether the last request found the mode missing: the log says when that starts and ends. */
    private final AtomicBoolean missing = new AtomicBoolean();

    /**
     * @param name  the configured mode's name, as reloads change it
     * @param modes the modes on the whiteboard now, by name
     */
    ConfiguredMode(String resource, Supplier<String> name, Function<String, Optional<ReplicationMode>> modes) {
        this.resource = resource;
        this.name = name;
        this.modes = modes;
    }

    /**
     * The mode a request that starts now keeps to its end.
     *
     * @throws IOException naming the missing mode; the refusal is counted
     */
    ReplicationMode forRequest() throws IOException {
        String n = name.get();
        Optional<ReplicationMode> mode = modes.apply(n);
        if (mode.isPresent()) {
            if (missing.compareAndSet(true, false)) {
                LOG.info(() -> "[" + resource + "] Replication mode " + n + " is available again; writes are accepted.");
            }
            return mode.get();
        }
        refusals.increment();
        if (missing.compareAndSet(false, true)) {
            LOG.warning(() -> "[" + resource + "] " + problem(n) + ".");
        }
        throw new IOException(problem(n));
    }

    /** Why writes are refused now, or {@code null} when the configured mode is on the whiteboard. */
    String problem() {
        String n = name.get();
        return modes.apply(n).isPresent() ? null : problem(n);
    }

    /** Modifying requests refused for want of the mode since the role started. */
    long refusals() {
        return refusals.sum();
    }

    private static String problem(String name) {
        return "replication mode " + name + " is not available on this node; writes refused";
    }
}
