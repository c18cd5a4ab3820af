package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import hast.api.control.Queues;
import hast.api.device.HastDevice;
import hast.api.replication.ReplicationMode;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;
import hast.engine.local.Zeroes;

/**
 * The block device of a primary resource: user offsets are shifted past metadata and activemap,
 * every modifying request marks its extents dirty before it touches the disk, and local I/O runs
 * on a small pool so that many requests proceed at once.
 *
 * <p>Without a connected secondary every modified extent stays dirty: it is what the next
 * synchronisation must copy.
 *
 * <p>A write this disk fails and the secondary stores succeeds: its extents are recorded as
 * current on the secondary only ({@link StaleExtents}), which then serves their reads until the
 * synchroniser has copied them back here. A request still waiting for this disk after the
 * resource's timeout is answered with an error ({@link LocalDeadline}), or a read by the secondary
 * where its copy is current ({@link PrimaryReads#takeOver}).
 */
final class PrimaryDevice implements HastDevice {
    /** Largest single request: the reference's MAXPHYS, which bounds buffers and replication frames. */
    static final int MAX_REQUEST = Frame.MAX_REQUEST_PAYLOAD;
    /**
     * Local I/O threads at most ({@link IoPool} starts them as needed): as many as an NBD connection
     * may have requests in flight, because a request waiting for its activemap mark holds a thread,
     * and the marks of all waiting requests share one image write only if they can all wait at once.
     */
    static final int IO_THREADS = 64;
    /** Largest request run in the caller's thread when it need not wait (see {@link #modify}). */
    private static final int INLINE_MAX = 64 * 1024;

    private final String resource;
    private final WatchedDisk provider;
    private final long localoff;
    private final long datasize;
    private final DirtyExtents dirty;
    private final SyncFence fence;
    private final WriteOrder order = new WriteOrder();
    private final RemoteLink link;
    private final ConfiguredMode mode;
    private final PrimaryPairing pairing;
    private final Counters counters;
    private final Meters meters;
    private final Runnable resync;
    /** Told how long each write, trim or zeroing took, from its arrival to its answer. */
    private final LongConsumer writeLatency;
    private final ThreadPoolExecutor io;
    private final InFlight inFlight = new InFlight();
    private final PrimaryReads reads;
    private final StaleExtents stale;
    private final LocalErrors localErrors;
    private final LocalDeadline deadline;
    /** Requests done with the local provider that still wait for the secondary. */
    private final AtomicInteger pastLocal = new AtomicInteger();
    /** Requests acknowledged to the client while the secondary has not answered them yet. */
    private final AtomicInteger acknowledgedEarly = new AtomicInteger();

    /**
     * @param link    the secondary, or {@code null} when none is configured ({@code remote none})
     * @param mode    the replication mode configured; each request keeps the one it started with, and
     *                is refused when there is none
     * @param resync  asks for a synchronisation pass: a request the connected secondary failed left
     *                its extents dirty, and they should not wait for the next reconnection
     * @param writeLatency told the nanoseconds each modifying request took (the dynamic sync rate
     *                follows them)
     */
    PrimaryDevice(String resource, WatchedDisk provider, long localoff, long datasize, DirtyExtents dirty,
            SyncFence fence, RemoteLink link, ConfiguredMode mode, PrimaryPairing pairing,
            Counters counters, Meters meters, StaleExtents stale, LocalErrors localErrors, Supplier<Duration> timeout,
            Runnable resync, LongConsumer writeLatency) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.datasize = datasize;
        this.dirty = dirty;
        this.fence = fence;
        this.link = link;
        this.mode = mode;
        this.pairing = pairing;
        this.counters = counters;
        this.meters = meters;
        this.resync = resync;
        this.writeLatency = writeLatency;
        this.stale = stale;
        this.localErrors = localErrors;
        this.deadline = new LocalDeadline(resource, timeout, provider, localErrors);
        this.reads = new PrimaryReads(resource, provider, localoff, dirty, stale, link, pairing, counters, localErrors);
        this.io = IoPool.create("hast-io " + resource, IO_THREADS);
    }

    @Override
    public long size() {
        return datasize;
    }

    @Override
    public int blockSize() {
        return provider.sectorSize();
    }

    @Override
    public int maxRequest() {
        return MAX_REQUEST;
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        checkRange(offset, dst.remaining());
        meters.readBytes.add(dst.remaining());
        int start = dst.position();
        return submit(watch -> reads.read(offset, dst, watch), counters.readErrors,
                () -> reads.takeOver(offset, dst, start, io));
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        int length = src.remaining();
        checkRange(offset, length);
        return modify(Frame.Type.WRITE, offset, length, src, fua, counters.writeErrors, () -> {
            provider.write(src, localoff + offset);
            if (fua) {
                provider.flush();
            }
            counters.writes.increment();
            meters.writeBytes.add(length);
        });
    }

    @Override
    public CompletionStage<Void> flush() {
        return flushBoth(counters.flushes);
    }

    /**
     * Flushes both nodes' caches. Once both succeeded, the writes finished before it are durable
     * on both and their extents become clean; a secondary that fails its flush is dropped (see
     * {@link #perform}), so that its extents are copied again.
     *
     * @param count the counter of successful flushes ({@code null}: an engine's own flush, not counted)
     */
    CompletionStage<Void> flushBoth(LongAdder count) {
        long epoch = dirty.flushBegins();
        return replicate(Frame.Type.FLUSH, counters.flushErrors, replicated -> {
            if (replicated) {
                dirty.flushed(epoch);
            }
        }, () -> {
            provider.flush();
            if (count != null) {
                count.increment();
            }
        });
    }

    @Override
    public CompletionStage<Void> trim(long offset, long length) {
        checkRange(offset, length);
        return modify(Frame.Type.DELETE, offset, length, null, false, counters.deleteErrors, () -> {
            provider.delete(localoff + offset, length);
            counters.deletes.increment();
            meters.deleteBytes.add(length);
        });
    }

    @Override
    public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
        checkRange(offset, length);
        if (mayTrim) {
            return trim(offset, length).thenCompose(v -> fua ? flush() : CompletableFuture.completedFuture(null));
        }
        // The secondary is told to discard: its provider reads discarded ranges back as zeros too.
        return modify(Frame.Type.DELETE, offset, length, null, fua, counters.writeErrors, () -> {
            for (long done = 0; done < length; ) {
                ByteBuffer zeroes = Zeroes.view((int) Math.min(Zeroes.BYTES, length - done));
                provider.write(zeroes, localoff + offset + done);
                done += zeroes.limit();
            }
            if (fua) {
                provider.flush();
            }
            counters.writes.increment();
            meters.writeBytes.add(length);
        });
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
    private CompletionStage<Void> modify(Frame.Type type, long offset, long length, ByteBuffer payload, boolean fua,
            LongAdder errors, IoAction local) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ReplicationMode m = modeFor(ack);
        if (m == null || !enter(ack)) {
            return ack;
        }
        long arrived = System.nanoTime();
        ack.whenComplete((v, t) -> writeLatency.accept(System.nanoTime() - arrived));
        LocalDeadline.Watch watch = deadline.watch(ack, op(type), errors);
        WriteProgressTracker.Finish finish = stored -> {
            // Answered with an error (a stalled disk) although both stored it: copied once more.
            boolean replicated = stored && !ack.isCompletedExceptionally();
            dirty.end(offset, length, replicated);
            fence.exitWrite(offset, length);
            if (!replicated && link != null && link.connected()) {
                resync.run();
            }
        };
        Request request = new Request(type, fua ? Frame.FLAG_FUA : 0, offset, length, payload, errors, local, finish,
                ack, true, watch, m);
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
            perform(request);
        }
        return ack;
    }

    /** Waits for overlapping writes in flight; interrupted, the request ends with its extents kept dirty. */
    private void holdOrder(Request r) throws IOException {
        try {
            order.hold(r.offset(), r.length());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.finish().run(false);
            throw new IOException("interrupted", e);
        }
    }

    /** Waits for a request's marks; when they cannot be written, the request ends with its extents kept dirty. */
    private void persist(Request r, long need) throws IOException {
        try {
            dirty.persist(need);
        } catch (IOException e) {
            r.finish().run(false);
            throw e;
        }
    }

    private CompletionStage<Void> replicate(Frame.Type type, LongAdder errors, WriteProgressTracker.Finish finish,
            IoAction local) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ReplicationMode m = modeFor(ack);
        if (m == null || !enter(ack)) {
            return ack;
        }
        Request r = new Request(type, 0, 0, 0, null, errors, local, finish, ack, false,
                deadline.watch(ack, op(type), errors), m);
        // The frame goes out from the caller's thread, only the local part waits in the pool: the
        // secondary starts its flush without waiting for a pool thread to wake here (a flush needs
        // no mark and holds no range, so nothing must happen before it is sent).
        Underway u = sendRemote(r);
        try {
            io.execute(() -> runLocal(r, u));
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the local part never started.
            r.watch().diskDone();
            pastLocal.incrementAndGet();
            u.tracker().localDone(new IOException("Resource " + resource + " is no longer primary"));
        }
        return ack;
    }

    /**
     * Runs a request in the pool once {@code admission} lets it; a failed admission fails the
     * request. {@code unstarted} undoes what was done for the request if the pool refuses it.
     */
    private void dispatch(Request r, IoAction admission, Runnable unstarted) {
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
                perform(r);
            });
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the request never started.
            r.watch().diskDone();
            unstarted.run();
            inFlight.leave();
            r.ack().completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
        }
    }

    /**
     * Sends the request to the secondary (first, so that it is on the wire before the client can
     * hear of it), runs it locally, and answers as the replication mode says.
     */
    private void perform(Request r) {
        runLocal(r, sendRemote(r));
    }

    /** A request whose frame is on its way: what answers it once both components are done, and its claim on stale extents. */
    private record Underway(WriteProgressTracker tracker, StaleExtents.Claim claim) {
    }

    /** The secondary's part of {@link #perform}: sets up the request's answer and sends its frame. */
    private Underway sendRemote(Request r) {
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
    private void runLocal(Request r, Underway u) {
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
            localErrors.report(op(r.type()), e.getMessage());
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

    /**
     * A request on its way through both components.
     *
     * @param ordered  whether it holds its range in {@link WriteOrder} (every modifying request)
     * @param watch   its deadline for this node's disk; once the local component is done with it,
     *                only the secondary may keep it waiting, and the remote link's deadlines apply
     */
    private record Request(Frame.Type type, int flags, long offset, long length, ByteBuffer payload, LongAdder errors,
            IoAction local, WriteProgressTracker.Finish finish, CompletableFuture<Void> ack, boolean ordered,
            LocalDeadline.Watch watch, ReplicationMode mode) {
    }

    /** A request kind as the {@code local-error} event names it. */
    private static String op(Frame.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > datasize - length) {
            throw new IllegalArgumentException("Request [" + offset + ", +" + length + ") is outside " + resource
                    + " (size " + datasize + ")");
        }
    }

    /** The mode a modifying request keeps; {@code null} when there is none, and {@code done} failed. */
    private ReplicationMode modeFor(CompletableFuture<Void> done) {
        try {
            return mode.forRequest();
        } catch (IOException refused) {
            done.completeExceptionally(refused);
            return null;
        }
    }

    /** Counts a request in, or fails it when the device is closing. */
    private boolean enter(CompletableFuture<Void> done) {
        if (!inFlight.enter()) {
            done.completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
            return false;
        }
        return true;
    }

    private CompletionStage<Void> submit(ReadAction action, LongAdder errors, LocalDeadline.Fallback fallback) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!enter(done)) {
            return done;
        }
        LocalDeadline.Watch watch = deadline.watch(done, "read", errors, fallback);
        try {
            io.execute(() -> {
                Exception failure = null;
                try {
                    action.run(watch);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                // Taken from this disk at the deadline: whatever the disk did, the answer is not its own.
                if (watch.diskDone()) {
                    if (failure == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(failure);
                    }
                }
                inFlight.leave();
            });
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the request never started.
            watch.diskDone();
            inFlight.leave();
            done.completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
        }
        return done;
    }

    /** Where the requests are now: see {@link Queues} for what each number counts. */
    Queues queues() {
        int past = pastLocal.get();
        long sent = link == null ? 0 : link.pending();
        long unsent = link == null ? 0 : link.queued();
        return new Queues(Math.max(0, inFlight.count() - past), unsent, Math.max(0, sent - unsent),
                acknowledgedEarly.get(), IO_THREADS - io.getActiveCount());
    }

    /**
     * Refuses new requests and waits for those in flight, so that the caller can flush the
     * activemap and metadata knowing no write is still going.
     *
     * @return whether every request finished before the deadline
     */
    boolean close(long timeoutMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMillis;
        inFlight.closeAndDrain(until);
        io.shutdown();
        try {
            return io.awaitTermination(Math.max(1, until - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
                    && inFlight.count() == 0;
        } finally {
            deadline.close();
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface ReadAction {
        void run(LocalDeadline.Watch watch) throws IOException;
    }
}
