package hast.engine.resource;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.replication.ReplicationMode;
import hast.engine.config.CodecNames;

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
    /**
     * How long a promotion waits for a reference mode that is not registered yet: at a daemon's
     * start only the bundles' start order keeps hast.replication ahead of the first role change.
     */
    static final Duration ARRIVAL = Duration.ofSeconds(5);

    private final String resource;
    private final Supplier<String> name;
    private final ReplicationModes modes;
    private final LongAdder refusals = new LongAdder();
    /** Whether the last request found the mode missing: the log says when that starts and ends. */
    private final AtomicBoolean missing = new AtomicBoolean();

    /**
     * @param name  the configured mode's name, as reloads change it
     * @param modes the modes on the whiteboard, by name
     */
    ConfiguredMode(String resource, Supplier<String> name, ReplicationModes modes) {
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
        Optional<ReplicationMode> mode = modes.get(n);
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
        return modes.get(n).isPresent() ? null : problem(n);
    }

    /**
     * Before a promotion serves: a reference mode (fullsync, memsync, async) that is not
     * registered is waited for, up to {@link #ARRIVAL}, since hast.jar always carries its bundle
     * and its absence is most likely that bundle still starting; a first write would otherwise be
     * refused. A third party's mode is not waited for: its bundle may never come (its name was a
     * warning when the configuration was loaded). Still missing after the wait, the primary
     * serves and refuses writes as {@link #forRequest} says, never with another mode.
     *
     * @throws HastException when the role change is interrupted meanwhile (nothing is open yet)
     */
    void awaitBeforeServing() throws HastException {
        String n = name.get();
        if (!CodecNames.REPLICATION.isReference(n) || modes.get(n).isPresent()) {
            return;
        }
        LOG.info(() -> "[" + resource + "] Replication mode " + n + " is not registered yet (its bundle may still be"
                + " starting); waiting up to " + ARRIVAL.toSeconds() + " seconds before serving as primary.");
        try {
            if (modes.await(n, ARRIVAL).isPresent()) {
                LOG.info(() -> "[" + resource + "] Replication mode " + n + " is registered; serving as primary.");
            } else {
                LOG.warning(() -> "[" + resource + "] Replication mode " + n + " did not arrive within "
                        + ARRIVAL.toSeconds() + " seconds; serving as primary with writes refused until it does.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HastException(Sysexits.EX_TEMPFAIL, "[" + resource + "] Interrupted while waiting for"
                    + " replication mode " + n + "; the resource stays in init.", e);
        }
    }

    /** Modifying requests refused for want of the mode since the role started. */
    long refusals() {
        return refusals.sum();
    }

    private static String problem(String name) {
        return "replication mode " + name + " is not available on this node; writes refused";
    }
}
