package hast.engine.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import hast.api.storage.LocalProvider;

/**
 * A disk that fails, stalls or loses power on command, in front of a real provider.
 *
 * <p>With a volatile cache, writes and trims stay in memory until a flush, as in a disk's write
 * cache: {@link #powerCut()} drops them, so that only what was flushed (or written durably)
 * survives. Reads see the cache, as they would on a real disk. The real provider below holds
 * exactly what a power cut would leave.
 */
public final class FaultyDisk extends ForwardingProvider {
    /** What may be made to fail. */
    public enum Op {
        READ, WRITE, FLUSH, DELETE,
        /** A search for data or holes (lseek): a trap holds its answer, not the search. */
        SEEK
    }

    /** A write or trim ({@code data == null}) still in the volatile cache. */
    private record Cached(long offset, long length, byte[] data) {
        boolean overlaps(long off, long len) {
            return offset < off + len && off < offset + length;
        }
    }

    /**
     * Holds up one request: the first of its kind touching its range waits in the disk until
     * {@link #release()}, while every other request goes through. What a stalled disk does to one
     * request of a queue, so that a test can let later requests overtake it.
     */
    public static final class Trap {
        private final Op op;
        private final long offset;
        private final long length;
        private final CountDownLatch caught = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);

        private Trap(Op op, long offset, long length) {
            this.op = op;
            this.offset = offset;
            this.length = length;
        }

        private boolean matches(Op o, long off, long len) {
            return o == op && offset < off + len && off < offset + length;
        }

        /** Whether a request is held (or was, and was released). */
        public boolean caught() {
            return caught.getCount() == 0;
        }

        /** Lets the held request (or the next one, if none came yet) go on to the disk. */
        public void release() {
            released.countDown();
        }

        /** Whether the held request was carried out (or failed) after its release. */
        public boolean finished() {
            return finished.getCount() == 0;
        }
    }

    private final boolean volatileCache;
    private final List<Trap> traps = new ArrayList<>();
    private final Set<Op> failing = EnumSet.noneOf(Op.class);
    /** Ranges where one kind of request fails, as {op, offset, length}. */
    private final List<Object[]> failingRanges = new ArrayList<>();
    private final List<Cached> cache = new ArrayList<>();
    private volatile CountDownLatch stall;
    private volatile boolean dead;
    private volatile boolean closed;
    private volatile int flushes;

    public FaultyDisk(LocalProvider target, boolean volatileCache) {
        super(target);
        this.volatileCache = volatileCache;
    }

    /** Makes {@code op} fail with EIO from now on ({@code on}), or succeed again (everywhere). */
    public synchronized void fail(Op op, boolean on) {
        if (on) {
            failing.add(op);
        } else {
            failing.remove(op);
            failingRanges.removeIf(r -> r[0] == op);
        }
    }

    /**
     * Makes {@code op} fail with EIO where it touches {@code [offset, offset + length)} of the
     * provider (metadata included), as a disk with bad sectors does, until {@code fail(op, false)}.
     */
    public synchronized void fail(Op op, long offset, long length) {
        failingRanges.add(new Object[] {op, offset, length});
    }

    /**
     * Holds up the first later request of kind {@code op} touching {@code [offset, offset + length)}
     * of the provider (metadata included) until the trap is released.
     */
    public synchronized Trap trap(Op op, long offset, long length) {
        Trap t = new Trap(op, offset, length);
        traps.add(t);
        return t;
    }

    /** Every later request waits until {@link #thaw()}, as on a disk that stopped answering. */
    public void freeze() {
        stall = new CountDownLatch(1);
    }

    public void thaw() {
        CountDownLatch s = stall;
        stall = null;
        if (s != null) {
            s.countDown();
        }
    }

    /**
     * The power goes: what is still in the cache is lost, the provider below is closed (releasing
     * its lock, so that the node can "boot" on the same file), and every later call fails.
     */
    public void powerCut() throws IOException {
        synchronized (this) {
            dead = true;
            cache.clear();
        }
        thaw();
        target.close();
    }

    /** Completed flushes, so that a test can wait for one. */
    public int flushes() {
        return flushes;
    }

    /** Bytes written or trimmed and not flushed yet. */
    public synchronized long unflushed() {
        return cache.stream().mapToLong(Cached::length).sum();
    }

    /** Waits while the disk is frozen or a trap holds the request; fails it as the disk says. */
    private Trap enter(Op op, long offset, long length) throws IOException {
        Trap trap = null;
        synchronized (this) {
            for (var it = traps.iterator(); it.hasNext(); ) {
                Trap t = it.next();
                if (t.matches(op, offset, length)) {
                    it.remove();
                    trap = t;
                    break;
                }
            }
        }
        if (trap != null) {
            trap.caught.countDown();
            try {
                trap.released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                trap.finished.countDown();
                throw new IOException("interrupted", e);
            }
        }
        try {
            stallAndCheck(op, offset, length);
        } catch (IOException | RuntimeException e) {
            finished(trap);
            throw e;
        }
        return trap;
    }

    private static void finished(Trap trap) {
        if (trap != null) {
            trap.finished.countDown();
        }
    }

    private void stallAndCheck(Op op, long offset, long length) throws IOException {
        CountDownLatch s = stall;
        if (s != null) {
            try {
                s.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        synchronized (this) {
            if (dead) {
                throw new IOException("Input/output error (the disk has no power)");
            }
            if (failing.contains(op) || failingRanges.stream().anyMatch(r -> r[0] == op
                    && (long) r[1] < offset + length && offset < (long) r[1] + (long) r[2])) {
                throw new IOException("Input/output error (injected " + op.name().toLowerCase() + " error)");
            }
        }
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int start = dst.position();
        int length = dst.remaining();
        Trap trap = enter(Op.READ, offset, length);
        try {
            readThrough(dst, offset, start, length);
        } finally {
            finished(trap);
        }
    }

    private void readThrough(ByteBuffer dst, long offset, int start, int length) throws IOException {
        // Under the lock, so that a flush cannot move bytes from the cache to the disk in between.
        synchronized (this) {
            target.read(dst, offset);
            for (Cached c : cache) {
                if (!c.overlaps(offset, length)) {
                    continue;
                }
                long from = Math.max(offset, c.offset());
                long to = Math.min(offset + length, c.offset() + c.length());
                for (long p = from; p < to; p++) {
                    dst.put(start + (int) (p - offset), c.data() == null ? 0 : c.data()[(int) (p - c.offset())]);
                }
            }
        }
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        Trap trap = enter(Op.WRITE, offset, src.remaining());
        try {
            cacheOrWrite(src, offset);
        } finally {
            finished(trap);
        }
    }

    private void cacheOrWrite(ByteBuffer src, long offset) throws IOException {
        if (!volatileCache) {
            target.write(src, offset);
            return;
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        synchronized (this) {
            cache.add(new Cached(offset, data.length, data));
        }
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        Trap trap = enter(Op.WRITE, offset, src.remaining());
        try {
            // What the cache holds of this range is older: it must not land over the durable bytes later.
            destage(offset, src.remaining());
            target.writeDurably(src, offset);
        } finally {
            finished(trap);
        }
    }

    /**
     * With a volatile cache the file's map of holes does not show what the cache holds: no hole
     * then, which is always true enough.
     */
    @Override
    public long nextData(long offset) throws IOException {
        return answer(volatileCache ? offset : target.nextData(offset), offset);
    }

    @Override
    public long nextHole(long offset) throws IOException {
        return answer(volatileCache ? target.size() : target.nextHole(offset), offset);
    }

    /**
     * Hands a search's answer over once a trap lets it: the disk may change meanwhile, as it may
     * between any lseek's return and its caller's next step.
     */
    private long answer(long answer, long offset) throws IOException {
        finished(enter(Op.SEEK, offset, 1));
        return answer;
    }

    @Override
    public void delete(long offset, long length) throws IOException {
        Trap trap = enter(Op.DELETE, offset, length);
        try {
            if (!volatileCache) {
                target.delete(offset, length);
                return;
            }
            synchronized (this) {
                cache.add(new Cached(offset, length, null));
            }
        } finally {
            finished(trap);
        }
    }

    @Override
    public void flush() throws IOException {
        Trap trap = enter(Op.FLUSH, 0, Long.MAX_VALUE);
        try {
            destage(0, Long.MAX_VALUE);
            target.flush();
            flushes++;
        } finally {
            finished(trap);
        }
    }

    /** Writes the cached requests overlapping a range to the disk below, in the order they came. */
    private synchronized void destage(long offset, long length) throws IOException {
        for (var it = cache.iterator(); it.hasNext(); ) {
            Cached c = it.next();
            if (!c.overlaps(offset, length)) {
                continue;
            }
            if (c.data() == null) {
                target.delete(c.offset(), c.length());
            } else {
                target.write(ByteBuffer.wrap(c.data()), c.offset());
            }
            it.remove();
        }
        if (length != Long.MAX_VALUE) {
            target.flush();
        }
    }

    /** Whether the node closed this disk (a role change, a stop). */
    public boolean closed() {
        return closed;
    }

    /**
     * A process closing its disk keeps the cache: the data stays in the machine's (the page
     * cache, the drive's) and the next open sees it. Only a power cut loses it.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        if (!dead) {
            destage(0, Long.MAX_VALUE);
            target.close();
        }
    }
}
