package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

import hast.api.replication.ReplicationMode;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Lets requests into the primary's device: each is counted in (and refused once the device
 * closes), takes the replication mode it keeps, and a modifying one goes on to both components
 * only once its extents are dirty on disk, no synchronisation holds them, and no overlapping write
 * is in flight.
 */
final class RequestAdmission {
    /** Largest request run in the caller's thread when it need not wait (see {@link #modify}). */
    private static final int INLINE_MAX = 64 * 1024;

    private final String resource;
    private final ConfiguredMode mode;
    private final InFlight inFlight;
    private final DirtyExtents dirty;
    private final SyncFence fence;
    private final WriteOrder order;
    /** The secondary, or {@code null} when none is configured. */
    private final RemoteLink link;
    private final Runnable resync;
    /** Told how long each write, trim or zeroing took, from its arrival to its answer. */
    private final LongConsumer writeLatency;
    private final LocalDeadline deadline;
    private final Executor io;
    private final ComponentDispatch components;

    RequestAdmission(String resource, ConfiguredMode mode, InFlight inFlight, DirtyExtents dirty, SyncFence fence,
            WriteOrder order, RemoteLink link, Runnable resync, LongConsumer writeLatency, LocalDeadline deadline,
            Executor io, ComponentDispatch components) {
        this.resource = resource;
        this.mode = mode;
        this.inFlight = inFlight;
        this.dirty = dirty;
        this.fence = fence;
        this.order = order;
        this.link = link;
        this.resync = resync;
        this.writeLatency = writeLatency;
        this.deadline = deadline;
        this.io = io;
        this.components = components;
    }

    /**
     * A modifying request: its extents are dirty on disk before any component touches data, it
     * waits for a synchronisation of its extent to finish and for overlapping writes in flight
     * (see {@link WriteOrder}), and the extents stay dirty unless both components stored it.
     *
     * <p>A small request that need not wait for anything runs in the caller's thread: the hand-off
     * to the pool would cost more than the request itself (a page-cache write and a frame on the
     * socket). One that must wait, for a mark, a synchronisation or an overlapping write, goes on
     * waiting in the pool from the step it could not pass. While this node's disk holds a request
     * past its deadline, none runs in the caller's thread: the caller hears of a request only once
     * the call returns, and a stalled disk would keep it from hearing the deadline's answer.
     */
    CompletionStage<Void> modify(Frame.Type type, long offset, long length, ByteBuffer payload, boolean fua,
            LongAdder errors, DeviceRequest.IoAction local) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ReplicationMode m = modeFor(ack);
        if (m == null || !enter(ack)) {
            return ack;
        }
        long arrived = System.nanoTime();
        ack.whenComplete((v, t) -> writeLatency.accept(System.nanoTime() - arrived));
        LocalDeadline.Watch watch = deadline.watch(ack, DeviceRequest.op(type), errors);
        WriteProgressTracker.Finish finish = stored -> {
            // Answered with an error (a stalled disk) although both stored it: copied once more.
            boolean replicated = stored && !ack.isCompletedExceptionally();
            dirty.end(offset, length, replicated);
            fence.exitWrite(offset, length);
            if (!replicated && link != null && link.connected()) {
                resync.run();
            }
        };
        DeviceRequest request = new DeviceRequest(type, fua ? Frame.FLAG_FUA : 0, offset, length, payload, errors,
                local, finish, ack, true, watch, m);
        Runnable unstarted = () -> finish.run(false);
        if (length > INLINE_MAX || deadline.stalled() || !fence.tryEnterWrite(offset, length)) {
            dispatch(request, () -> {
                // A synchronisation of the extent waits for the secondary as much as for this disk.
                request.watch().away();
                try {
                    fence.enterWrite(offset, length);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } finally {
                    request.watch().back();
                }
                persist(request, dirty.mark(offset, length));
                holdOrder(request);
            }, () -> { });
            return ack;
        }
        // The mark is durable before the request is even sent, not written while it travels: the
        // secondary keeps no activemap while it serves, so a write it stored before the mark was
        // durable would, were both nodes to lose power then, differ from this copy in an extent
        // nothing records. Overlapping them safely needs the secondary to mark its own map durably
        // before it applies (the WELCOME's bitmap would carry that to the union): a second durable
        // write per mark, in series with the secondary's apply, so fullsync would gain nothing and
        // memsync at most one round trip of the link, on the writes the keepdirty list misses.
        long need = dirty.mark(offset, length);
        if (!dirty.isDurable(need)) {
            dispatch(request, () -> {
                persist(request, need);
                holdOrder(request);
            }, unstarted);
        } else if (!order.tryHold(offset, length)) {
            dispatch(request, () -> holdOrder(request), unstarted);
        } else {
            components.perform(request);
        }
        return ack;
    }

    /** Waits for overlapping writes in flight; interrupted, the request ends with its extents kept dirty. */
    private void holdOrder(DeviceRequest r) throws IOException {
        try {
            order.hold(r.offset(), r.length());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.finish().run(false);
            throw new IOException("interrupted", e);
        }
    }

    /** Waits for a request's marks; when they cannot be written, the request ends with its extents kept dirty. */
    private void persist(DeviceRequest r, long need) throws IOException {
        try {
            dirty.persist(need);
        } catch (IOException e) {
            r.finish().run(false);
            throw e;
        }
    }

    /**
     * Runs a request in the pool once {@code admission} lets it; a failed admission fails the
     * request. {@code unstarted} undoes what was done for the request if the pool refuses it.
     */
    private void dispatch(DeviceRequest r, DeviceRequest.IoAction admission, Runnable unstarted) {
        try {
            io.execute(() -> {
                try {
                    admission.run();
                } catch (IOException e) {
                    r.watch().diskDone();
                    r.errors().increment();
                    r.ack().completeExceptionally(e);
                    inFlight.leave();
                    return;
                }
                components.perform(r);
            });
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the request never started.
            r.watch().diskDone();
            unstarted.run();
            inFlight.leave();
            r.ack().completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
        }
    }

    /** The mode a modifying request keeps; {@code null} when there is none, and {@code done} failed. */
    ReplicationMode modeFor(CompletableFuture<Void> done) {
        try {
            return mode.forRequest();
        } catch (IOException refused) {
            done.completeExceptionally(refused);
            return null;
        }
    }

    /** Counts a request in, or fails it when the device is closing. */
    boolean enter(CompletableFuture<?> done) {
        if (!inFlight.enter()) {
            done.completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
            return false;
        }
        return true;
    }
}
