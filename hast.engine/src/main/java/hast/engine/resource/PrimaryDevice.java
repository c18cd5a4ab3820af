package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.control.Queues;
import hast.api.device.Allocation;
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
 *
 * <p>The device holds the requests' ways in and out (ranges, reads, flushes, the queues and
 * closing); {@link RequestAdmission} lets a modifying request through in order, and
 * {@link ComponentDispatch} runs it on the secondary and this node's disk.
 */
final class PrimaryDevice implements HastDevice {
    private static final Logger LOG = Logger.getLogger(PrimaryDevice.class.getName());
    /** Largest single request: the reference's MAXPHYS, which bounds buffers and replication frames. */
    static final int MAX_REQUEST = Frame.MAX_REQUEST_PAYLOAD;
    /**
     * Local I/O threads at most ({@link IoPool} starts them as needed): as many as an NBD connection
     * may have requests in flight, because a request waiting for its activemap mark holds a thread,
     * and the marks of all waiting requests share one image write only if they can all wait at once.
     */
    static final int IO_THREADS = 64;

    private final String resource;
    private final WatchedDisk provider;
    private final long localoff;
    private final long datasize;
    private final DirtyExtents dirty;
    private final RemoteLink link;
    private final Counters counters;
    private final Meters meters;
    private final ThreadPoolExecutor io;
    private final InFlight inFlight = new InFlight();
    private final PrimaryReads reads;
    private final LocalAllocation allocation;
    private final LocalDeadline deadline;
    private final ComponentDispatch components;
    private final RequestAdmission admission;

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
        this.link = link;
        this.counters = counters;
        this.meters = meters;
        this.deadline = new LocalDeadline(resource, timeout, provider, localErrors);
        this.reads = new PrimaryReads(resource, provider, localoff, dirty, stale, link, pairing, counters, localErrors);
        this.allocation = new LocalAllocation(provider, localoff);
        this.io = IoPool.create("hast-io " + resource, IO_THREADS);
        WriteOrder order = new WriteOrder();
        this.components = new ComponentDispatch(resource, link, pairing, stale, order, inFlight, counters, meters,
                localErrors, io);
        this.admission = new RequestAdmission(resource, mode, inFlight, dirty, fence, order, link, resync,
                writeLatency, deadline, io, components);
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

    /** The frames of this thread's next requests wait for those that follow (see {@link RemoteLink#plug()}). */
    @Override
    public void plug() {
        if (link != null) {
            link.plug();
        }
    }

    @Override
    public void unplug() {
        if (link != null) {
            link.unplug();
        }
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        checkRange(offset, dst.remaining());
        meters.readBytes.add(dst.remaining());
        int start = dst.position();
        return submit(watch -> reads.read(offset, dst, watch), counters.readErrors,
                () -> reads.takeOver(offset, dst, start, io));
    }

    /**
     * This disk's holes, where reads come from this disk. Otherwise, or when the provider cannot
     * tell, all data. Asked in the caller's thread: two lseeks cost less than a hand-off.
     */
    @Override
    public CompletionStage<List<Allocation>> allocation(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            throw new IllegalArgumentException("The allocation of no bytes at " + offset + " in " + resource);
        }
        CompletableFuture<List<Allocation>> done = new CompletableFuture<>();
        if (!admission.enter(done)) {
            return done;
        }
        List<Allocation> allData = List.of(new Allocation(length, false));
        try {
            // Whether reads come from this disk can change while the provider answers, either way.
            // Asked before: a range still to be copied from the secondary may be copied meanwhile,
            // and holes seen before the copy would hide its data. Asked after: a range may turn
            // stale meanwhile (a failed local write). Needs-sync marks of a copy from the
            // secondary only ever clear, so a range local at both ends was local throughout.
            boolean local = reads.servedLocally(offset, length);
            List<Allocation> runs = local ? allocation.runs(offset, length) : allData;
            done.complete(local && reads.servedLocally(offset, length) ? runs : allData);
        } catch (IOException e) {
            LOG.fine(() -> "[" + resource + "] Holes unknown, reported as data: " + e.getMessage());
            done.complete(allData);
        } finally {
            inFlight.leave();
        }
        return done;
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        int length = src.remaining();
        checkRange(offset, length);
        return admission.modify(Frame.Type.WRITE, offset, length, src, fua, counters.writeErrors, () -> {
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
     * {@link ComponentDispatch}), so that its extents are copied again.
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
        return admission.modify(Frame.Type.DELETE, offset, length, null, false, counters.deleteErrors, () -> {
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
        return admission.modify(Frame.Type.DELETE, offset, length, null, fua, counters.writeErrors, () -> {
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

    private CompletionStage<Void> replicate(Frame.Type type, LongAdder errors, WriteProgressTracker.Finish finish,
            DeviceRequest.IoAction local) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ReplicationMode m = admission.modeFor(ack);
        if (m == null || !admission.enter(ack)) {
            return ack;
        }
        DeviceRequest r = new DeviceRequest(type, 0, 0, 0, null, errors, local, finish, ack, false,
                deadline.watch(ack, DeviceRequest.op(type), errors), m);
        // The frame goes out from the caller's thread, only the local part waits in the pool: the
        // secondary starts its flush without waiting for a pool thread to wake here (a flush needs
        // no mark and holds no range, so nothing must happen before it is sent).
        components.performLocalInPool(r);
        return ack;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > datasize - length) {
            throw new IllegalArgumentException("Request [" + offset + ", +" + length + ") is outside " + resource
                    + " (size " + datasize + ")");
        }
    }

    private CompletionStage<Void> submit(ReadAction action, LongAdder errors, LocalDeadline.Fallback fallback) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!admission.enter(done)) {
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
        int past = components.pastLocal();
        long sent = link == null ? 0 : link.pending();
        long unsent = link == null ? 0 : link.queued();
        return new Queues(Math.max(0, inFlight.count() - past), unsent, Math.max(0, sent - unsent),
                components.acknowledgedEarly(), IO_THREADS - io.getActiveCount());
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
    private interface ReadAction {
        void run(LocalDeadline.Watch watch) throws IOException;
    }
}
