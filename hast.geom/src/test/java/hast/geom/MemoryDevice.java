package hast.geom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.device.Allocation;
import hast.api.device.HastDevice;

/**
 * A device in a byte array. While {@linkplain #hold() holding}, requests are accepted but neither
 * carried out nor completed until the test releases them, in any order it likes. Every call is
 * recorded, so tests can see the flags the server passed on. Its allocation is what the bytes
 * say: a {@link #BLOCK} of zeros is a hole.
 */
final class MemoryDevice implements HastDevice {
    static final int SIZE = 1 << 20;
    static final int BLOCK = 512;
    static final int MAX_REQUEST = 128 * 1024;

    /** A request the device has accepted and not yet completed. */
    record Pending(String call, long offset, CompletableFuture<Void> gate) {
    }

    final byte[] data;
    private final int maxRequest;
    private final List<String> calls = new ArrayList<>();
    /** The buffers writes came in, in order (identity matters: the exporter pools them). */
    private final List<ByteBuffer> writeBuffers = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger mostOutstanding = new AtomicInteger();
    private boolean holding;
    /** Holds the caller of the next write inside the call until counted down; {@code null}: none. */
    private CountDownLatch callerHold;
    private final CountDownLatch callerHeld = new CountDownLatch(1);
    private Throwable failure;
    private RuntimeException thrown;
    /** Whether a plugged thread's requests wait for an unplug (see {@link #plugHolds()}). */
    private boolean plugHolds;
    private final ThreadLocal<Boolean> plugged = new ThreadLocal<>();
    /** Requests of plugged threads that wait for an unplug. */
    private final List<CompletableFuture<Void>> heldBack = new ArrayList<>();
    /** How many requests each unplug let go, in order. */
    private final List<Integer> unplugs = new ArrayList<>();

    MemoryDevice() {
        this(SIZE, MAX_REQUEST);
    }

    MemoryDevice(int size, int maxRequest) {
        this.data = new byte[size];
        this.maxRequest = maxRequest;
    }

    synchronized void hold() {
        holding = true;
    }

    /**
     * From now on a request issued by a plugged thread completes only once some thread unplugs, as
     * a primary's requests wait for the frames its link holds back.
     */
    synchronized void plugHolds() {
        plugHolds = true;
    }

    /** How many requests each unplug let go, in order. */
    synchronized List<Integer> unplugs() {
        return List.copyOf(unplugs);
    }

    @Override
    public void plug() {
        plugged.set(Boolean.TRUE);
    }

    @Override
    public void unplug() {
        plugged.remove();
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            released = List.copyOf(heldBack);
            heldBack.clear();
            unplugs.add(released.size());
        }
        released.forEach(gate -> gate.complete(null));
    }

    /**
     * The next write holds its caller inside the call until {@link #releaseCaller()}, as a
     * primary's cheap path does when its disk freezes, and is then carried out.
     */
    synchronized void holdNextCaller() {
        callerHold = new CountDownLatch(1);
    }

    /** Waits until a write holds its caller (see {@link #holdNextCaller()}). */
    void awaitCallerHeld() throws InterruptedException {
        assertTrue(callerHeld.await(10, TimeUnit.SECONDS), "no write held its caller");
    }

    /** Lets the held caller's call return. */
    synchronized void releaseCaller() {
        if (callerHold != null) {
            callerHold.countDown();
        }
    }

    /** Completes every held request, and stops holding. */
    void releaseAll() {
        List<Pending> all;
        synchronized (this) {
            holding = false;
            all = List.copyOf(pending);
            pending.clear();
            notifyAll();
        }
        all.forEach(p -> p.gate().complete(null));
    }

    /** Completes one held request. */
    void release(Pending p) {
        synchronized (this) {
            assertTrue(pending.remove(p), "not pending: " + p);
        }
        p.gate().complete(null);
    }

    /** Waits until at least {@code n} requests are held, and returns them in arrival order. */
    synchronized List<Pending> awaitPending(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pending.size() < n) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            assertTrue(left > 0, "only " + pending.size() + " of " + n + " requests reached the device");
            wait(left);
        }
        return List.copyOf(pending);
    }

    /**
     * Whether more than {@code n} requests become held within {@code wait}: a check that something
     * does not happen, so it can only be bounded by time.
     */
    synchronized boolean morePendingThan(int n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (pending.size() <= n) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The most requests the device had at once. */
    int mostOutstanding() {
        return mostOutstanding.get();
    }

    /** Makes the next requests complete exceptionally with {@code cause}. */
    synchronized void failWith(Throwable cause) {
        failure = cause;
    }

    /** Makes the next requests throw {@code e} from the call itself. */
    synchronized void throwOnCall(RuntimeException e) {
        thrown = e;
    }

    synchronized List<ByteBuffer> writeBuffers() {
        return List.copyOf(writeBuffers);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Drops the record of calls and write buffers, for a device that serves many connections in turn. */
    synchronized void forget() {
        calls.clear();
        writeBuffers.clear();
    }

    private CompletionStage<Void> run(String call, long offset, Runnable io) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        synchronized (this) {
            calls.add(call);
            if (thrown != null) {
                throw thrown;
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            if (holding) {
                pending.add(new Pending(call, offset, gate));
                notifyAll();
            } else if (plugHolds && plugged.get() != null) {
                heldBack.add(gate);
            } else {
                gate.complete(null);
            }
        }
        return gate.thenRun(() -> {
            io.run();
            outstanding.decrementAndGet();
        });
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int blockSize() {
        return BLOCK;
    }

    @Override
    public int maxRequest() {
        return maxRequest;
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        return run("read " + offset + " " + dst.remaining(), offset, () -> dst.put(data, (int) offset, dst.remaining()));
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        CountDownLatch hold;
        synchronized (this) {
            writeBuffers.add(src);
            hold = callerHold;
        }
        if (hold != null && callerHeld.getCount() > 0) {
            callerHeld.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return run("write " + offset + " " + src.remaining() + (fua ? " fua" : ""), offset,
                () -> src.get(data, (int) offset, src.remaining()));
    }

    @Override
    public CompletionStage<Void> flush() {
        return run("flush", 0, () -> { });
    }

    @Override
    public CompletionStage<Void> trim(long offset, long length) {
        return run("trim " + offset + " " + length, offset,
                () -> Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0));
    }

    @Override
    public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
        return run("zeroes " + offset + " " + length + (mayTrim ? " may-trim" : "") + (fua ? " fua" : ""), offset,
                () -> Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0));
    }

    @Override
    public CompletionStage<List<Allocation>> allocation(long offset, long length) {
        return run("allocation " + offset + " " + length, offset, () -> { }).thenApply(v -> runs(offset, length));
    }

    private synchronized List<Allocation> runs(long offset, long length) {
        List<Allocation> runs = new ArrayList<>();
        long end = offset + length;
        for (long at = offset; at < end; ) {
            boolean hole = zero(at);
            long next = Math.min(end, (at / BLOCK + 1) * BLOCK);
            while (next < end && zero(next) == hole) {
                next = Math.min(end, next + BLOCK);
            }
            runs.add(new Allocation(next - at, hole));
            at = next;
        }
        return runs;
    }

    /** Whether the block holding {@code at} is all zeros. */
    private boolean zero(long at) {
        int start = (int) (at / BLOCK * BLOCK);
        for (int i = start; i < start + BLOCK; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
