package hast.engine.resource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import hast.api.replication.ReplicationMode;

/**
 * The replication modes on the whiteboard by name, as their bundles come and go. Every modifying
 * request looks its mode up here, so a lookup takes no lock; a promotion can wait for a mode whose
 * bundle is still starting ({@link #await}).
 */
public final class ReplicationModes {
    private final Map<String, ReplicationMode> byName = new ConcurrentHashMap<>();
    /** Notified at each registration, for those that {@link #await} one. */
    private final Object arrivals = new Object();

    public void put(String name, ReplicationMode mode) {
        byName.put(name, mode);
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    /** @return the mode that was registered under that name, or {@code null} */
    public ReplicationMode remove(String name) {
        return byName.remove(name);
    }

    /** Takes a mode away under every name it was registered with, as its bundle leaves. */
    public void removeAll(ReplicationMode mode) {
        byName.values().removeIf(m -> m == mode);
    }

    public Optional<ReplicationMode> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The names registered now. */
    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    /** The mode of that name, waiting up to {@code limit} for it to be registered; empty if it was not by then. */
    public Optional<ReplicationMode> await(String name, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (arrivals) {
            while (true) {
                Optional<ReplicationMode> mode = get(name);
                long left = end - System.nanoTime();
                if (mode.isPresent() || left <= 0) {
                    return mode;
                }
                arrivals.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
