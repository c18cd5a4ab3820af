package hast.engine.resource;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.replication.ReplicationMode;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Runs an admitted request of the primary's device on both components: its frame goes to the
 * secondary first, so that it is on the wire before the client can hear of it, then it runs on
 * this node's disk, and it is answered as its replication mode says once both are done (see
 * {@link WriteProgressTracker}).
 */
final class ComponentDispatch {
    private final String resource;
    /** The secondary, or {@code null} when none is configured. */
    private final RemoteLink link;
    private final PrimaryPairing pairing;
    private final StaleExtents stale;
    private final WriteOrder order;
    private final InFlight inFlight;
    private final Counters counters;
    private final Meters meters;
    private final LocalErrors localErrors;
    private final Executor io;
    /** Requests done with the local provider that still wait for the secondary. */
    private final AtomicInteger pastLocal = new AtomicInteger();
    /** Requests acknowledged to the client while the secondary has not answered them yet. */
    private final AtomicInteger acknowledgedEarly = new AtomicInteger();

    ComponentDispatch(String resource, RemoteLink link, PrimaryPairing pairing, StaleExtents stale, WriteOrder order,
            InFlight inFlight, Counters counters, Meters meters, LocalErrors localErrors, Executor io) {
        this.resource = resource;
        this.link = link;
        this.pairing = pairing;
        this.stale = stale;
        this.order = order;
        this.inFlight = inFlight;
        this.counters = counters;
        this.meters = meters;
        this.localErrors = localErrors;
        this.io = io;
    }

    /** Requests done with the local provider that still wait for the secondary. */
    int pastLocal() {
        return pastLocal.get();
    }

    /** Requests acknowledged to the client while the secondary has not answered them yet. */
    int acknowledgedEarly() {
        return acknowledgedEarly.get();
    }

    /**
     * Sends the request to the secondary (first, so that it is on the wire before the client can
     * hear of it), runs it locally, and answers as the replication mode says.
     */
    void perform(DeviceRequest r) {
        runLocal(r, sendRemote(r));
    }

    /** As {@link #perform}, but only the frame goes out from the caller's thread: the local part waits in the pool. */
    void performLocalInPool(DeviceRequest r) {
        Underway u = sendRemote(r);
        try {
            io.execute(() -> runLocal(r, u));
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the local part never started.
            r.watch().diskDone();
            pastLocal.incrementAndGet();
            u.tracker().localDone(new IOException("Resource " + resource + " is no longer primary"));
        }
    }

    /** A request whose frame is on its way: what answers it once both components are done, and its claim on stale extents. */
    private record Underway(WriteProgressTracker tracker, StaleExtents.Claim claim) {
    }

    /** The secondary's part of {@link #perform}: sets up the request's answer and sends its frame. */
    private Underway sendRemote(DeviceRequest r) {
        ReplicationMode m = r.mode();
        // Bit 1: acknowledged, bit 2: finished on both components; whichever comes second decides.
        AtomicInteger phase = new AtomicInteger();
        r.ack().whenComplete((v, t) -> {
            if ((phase.getAndUpdate(x -> x | 1) & 2) == 0) {
                acknowledgedEarly.incrementAndGet();
            }
        });
        // A failed local write may be saved by the secondary's copy; a flush cannot.
        StaleExtents.Claim claim = r.ordered() ? stale.claim(r.offset(), r.length()) : null;
        // While this copy is behind the secondary's, every dirty extent is copied from there: a write
        // the secondary did not store would be overwritten, and one acknowledged without it would be
        // history of this copy alone, a split-brain at the next handshake. Likewise a flush: what it
        // promises durable must be durable on the copy the synchroniser takes it from.
        boolean remoteRequired = r.ordered() && stale.covers(r.offset(), r.length()) || pairing.syncFromSecondary();
        WriteProgressTracker tracker = new WriteProgressTracker(m, r.ack(), replicated -> {
            if ((phase.getAndUpdate(x -> x | 2) & 1) != 0) {
                acknowledgedEarly.decrementAndGet();
            }
            pastLocal.decrementAndGet();
            try {
                r.finish().run(replicated);
            } finally {
                if (claim != null) {
                    claim.decided();
                }
                inFlight.leave();
            }
        }, pairing, claim, remoteRequired);
        if (link == null) {
            tracker.remoteDone(false);
        } else {
            // Only a write's data can be "received": a flush is done when it is done, in every mode.
            boolean receipt = m.wantsReceipt() && r.type() == Frame.Type.WRITE;
            // A send may block on a secondary that stops reading: the link's deadline, not the disk's.
            r.watch().away();
            long sent = System.nanoTime();
            RemoteLink.Pending p = link.send(r.type(), r.flags() | (receipt ? Frame.FLAG_RECEIPT : 0), r.offset(),
                    r.length(), r.payload() == null ? null : r.payload().duplicate());
            r.watch().back();
            if (receipt) {
                p.received().thenRun(tracker::remoteReceived);
            }
            p.done().whenComplete((reply, failure) -> {
                if (reply != null && reply.error() != 0) {
                    counters.remoteErrors.increment();
                    if (r.type() == Frame.Type.FLUSH) {
                        // Its cache may hold writes it will never store: replicating on would make
                        // them look durable. Dropped, it gets every unflushed extent copied again.
                        link.drop("the secondary failed to flush (errno " + reply.error() + ")");
                    }
                }
                boolean stored = failure == null && reply.error() == 0;
                if (stored && r.type() == Frame.Type.WRITE) {
                    meters.remoteWrites.since(sent);
                }
                tracker.remoteDone(stored);
            });
        }
        return new Underway(tracker, claim);
    }

    /** This node's part of {@link #perform}: runs the request on the local component. */
    private void runLocal(DeviceRequest r, Underway u) {
        StaleExtents.Claim claim = u.claim();
        IOException failed = null;
        long started = System.nanoTime();
        try {
            r.local().run();
            if (r.type() == Frame.Type.WRITE) {
                meters.localWrites.since(started);
            }
        } catch (IOException e) {
            r.errors().increment();
            localErrors.report(DeviceRequest.op(r.type()), e.getMessage());
            if (claim != null) {
                claim.localFailed();
            }
            failed = e;
        } finally {
            r.watch().diskDone();
            if (r.ordered()) {
                order.release(r.offset(), r.length());
            }
        }
        pastLocal.incrementAndGet();
        u.tracker().localDone(failed);
    }
}
