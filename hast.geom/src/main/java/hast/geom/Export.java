package hast.geom;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.device.HastDevice;

/**
 * One device offered under a name, with the requests in flight against it and the connections
 * using it, so that withdrawing it can drain them.
 */
final class Export {
    private final String name;
    private final String description;
    private final HastDevice device;
    /** Shared by the export's connections, so that idle buffers outlive a client that comes and goes. */
    private final PayloadBuffers buffers;
    private volatile ScheduledFuture<?> bufferRelease;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean withdrawn;

    /** @param description shown to clients that ask (INFO_DESCRIPTION, LIST); empty for none */
    Export(String name, String description, HastDevice device) {
        this.name = name;
        this.description = description;
        this.device = device;
        this.buffers = new PayloadBuffers(device.maxRequest());
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    HastDevice device() {
        return device;
    }

    PayloadBuffers buffers() {
        return buffers;
    }

    /** Frees the idle payload buffers once the export has gone {@code quiet} without large requests, until withdrawn. */
    void releaseIdleBuffers(ScheduledExecutorService timer, Duration quiet) {
        long period = quiet.toNanos();
        bufferRelease = timer.scheduleWithFixedDelay(buffers::releaseIdle, period, period, TimeUnit.NANOSECONDS);
    }

    /** Counts a request in; false once the export is being withdrawn (the request must be refused). */
    boolean enter() {
        inFlight.incrementAndGet();
        if (withdrawn) {
            leave();
            return false;
        }
        return true;
    }

    /** Counts a request out, once its reply is on the wire (or can never be). */
    void leave() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    /** Registers a connection that chose this export; false when the export is already being withdrawn. */
    boolean attach(NbdConnection connection) {
        connections.add(connection);
        if (withdrawn) {
            connections.remove(connection);
            return false;
        }
        return true;
    }

    void detach(NbdConnection connection) {
        connections.remove(connection);
    }

    /**
     * Refuses new requests, waits until those in flight have been answered, then closes every
     * connection using the export.
     *
     * @return whether all requests were answered within {@code timeout}
     */
    boolean withdraw(Duration timeout) throws InterruptedException {
        withdrawn = true;
        ScheduledFuture<?> release = bufferRelease;
        if (release != null) {
            release.cancel(false);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained = true;
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    drained = false;
                    break;
                }
                inFlight.wait(leftMillis);
            }
        }
        for (NbdConnection c : List.copyOf(connections)) {
            c.close();
        }
        return drained;
    }

    int requestsInFlight() {
        return inFlight.get();
    }
}
