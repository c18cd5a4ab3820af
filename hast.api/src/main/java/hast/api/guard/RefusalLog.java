package hast.api.guard;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Logs refused connections once per address per interval and counts them all: a stranger
 * hammering a port must not fill the log (or the disk under it), and one refused now and then
 * must still be seen.
 */
public final class RefusalLog {
    /** How often refusals of one address are logged by default (each is counted). */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Addresses remembered at most; past that the oldest is forgotten (and logged again). */
    private static final int REMEMBERED = 1024;

    private final Logger log;
    private final long intervalNanos;
    private final LongAdder refused = new LongAdder();
    /** When each address was last logged, and how many of its refusals went unlogged since; guarded by this. */
    private final Map<InetAddress, long[]> last = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** @param log the listener's logger, where its refusals are looked for */
    public RefusalLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Counts a refusal of {@code address} ({@code null} for a peer without one), logging it at
     * warning level unless that address was logged within the interval.
     */
    public void refused(InetAddress address, String listener, String why) {
        refused.increment();
        long now = System.nanoTime();
        long unlogged;
        synchronized (this) {
            long[] seen = last.get(address);
            if (seen != null && now - seen[0] < intervalNanos) {
                seen[1]++;
                return;
            }
            unlogged = seen == null ? 0 : seen[1];
            last.put(address, new long[] {now, 0});
        }
        String who = address == null ? "a local peer" : address.getHostAddress();
        log.warning(() -> "Connection from " + who + " to " + listener + " refused: " + why
                + (unlogged > 0 ? " (" + unlogged + " more refused since the last report)" : "")
                + "; further refusals of this address are logged at most every "
                + Duration.ofNanos(intervalNanos).toSeconds() + " s.");
    }

    /** Connections refused since the listener started. */
    public long count() {
        return refused.sum();
    }
}
