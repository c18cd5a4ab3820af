package hast.geom;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.device.HastDevice;

/**
 * One device offered under a name, with the requests in flight against it and the sessions
 * using it, so that withdrawing it can drain them.
 */
final class Export {
    private final String name;
    private final HastDevice device;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<NbdSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean withdrawn;

    Export(String name, HastDevice device) {
        this.name = name;
        this.device = device;
    }

    String name() {
        return name;
    }

    HastDevice device() {
        return device;
    }

    /** Counts a request in; false once the export is being withdrawn. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (withdrawn) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    boolean attach(NbdSession session) {
        sessions.add(session);
        if (withdrawn) {
            sessions.remove(session);
            return false;
        }
        return true;
    }

    void detach(NbdSession session) {
        sessions.remove(session);
    }

    /**
     * Refuses new requests, waits for those in flight to be answered, then closes every session.
     *
     * @return whether all requests finished within the deadline
     */
    boolean withdraw(long timeout, TimeUnit unit) throws InterruptedException {
        withdrawn = true;
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean drained = true;
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    drained = false;
                    break;
                }
                inFlight.wait(left);
            }
        }
        for (NbdSession s : sessions) {
            s.close();
        }
        return drained;
    }
}
