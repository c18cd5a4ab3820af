package hast.engine.replication;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Logs refused connections once per address per interval and counts them all: a stranger
 * hammering the port must not fill the log (or the disk under it), and one refused now and then
 * must still be seen.
 */
final class RefusalLog {
    private static final Logger LOG = Logger.getLogger(ReplicationListener.class.getName());
    /** Addresses remembered at most; past that the oldest is forgotten (and logged again). */
    private static final int REMEMBERED = 1024;

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

    RefusalLog(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Counts a refusal of {@code address}, logging it unless that address was logged within the interval. */
    void refused(InetAddress address, String listener, String why) {
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
        String who = address == null ? "an unknown peer" : address.getHostAddress();
        LOG.warning(() -> "Connection from " + who + " to " + listener + " refused: " + why
                + (unlogged > 0 ? " (" + unlogged + " more refused since the last report)" : "")
                + "; further refusals of this address are logged at most every "
                + Duration.ofNanos(intervalNanos).toSeconds() + " s.");
    }

    /** Connections refused since the listener started. */
    long count() {
        return refused.sum();
    }
}
