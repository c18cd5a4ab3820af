package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.device.HastDevice;
import hast.api.storage.LocalProvider;

/**
 * The block device of a primary resource: user offsets are shifted past metadata and activemap,
 * every modifying request marks its extents dirty before it touches the disk, and local I/O runs
 * on a small pool so that many requests proceed at once.
 *
 * <p>Without a connected secondary every modified extent stays dirty: it is what the next
 * synchronisation must copy.
 */
final class PrimaryDevice implements HastDevice {
    private static final Logger LOG = Logger.getLogger(PrimaryDevice.class.getName());
    /** Largest single request: the reference's MAXPHYS, which bounds buffers and replication frames. */
    static final int MAX_REQUEST = 1 << 20;
    private static final int IO_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(MAX_REQUEST).asReadOnlyBuffer();

    private final String resource;
    private final LocalProvider provider;
    private final long localoff;
    private final long datasize;
    private final DirtyExtents dirty;
    private final Counters counters;
    private final ExecutorService io;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    PrimaryDevice(String resource, LocalProvider provider, long localoff, long datasize, DirtyExtents dirty,
            Counters counters) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.datasize = datasize;
        this.dirty = dirty;
        this.counters = counters;
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newFixedThreadPool(IO_THREADS, r -> {
            Thread t = new Thread(r, "hast-io " + resource + " #" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        return submit(() -> {
            try {
                provider.read(dst, localoff + offset);
            } catch (IOException e) {
                counters.readErrors.increment();
                throw e;
            }
            counters.reads.increment();
        });
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        int length = src.remaining();
        checkRange(offset, length);
        return submit(() -> modify(offset, length, counters.writeErrors, () -> {
            provider.write(src, localoff + offset);
            if (fua) {
                provider.flush();
            }
            counters.writes.increment();
        }));
    }

    @Override
    public CompletionStage<Void> flush() {
        return submit(() -> {
            try {
                provider.flush();
            } catch (IOException e) {
                counters.flushErrors.increment();
                throw e;
            }
            counters.flushes.increment();
        });
    }

    @Override
    public CompletionStage<Void> trim(long offset, long length) {
        checkRange(offset, length);
        return submit(() -> modify(offset, length, counters.deleteErrors, () -> {
            provider.delete(localoff + offset, length);
            counters.deletes.increment();
        }));
    }

    @Override
    public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
        checkRange(offset, length);
        if (mayTrim) {
            return trim(offset, length).thenCompose(v -> fua ? flush() : CompletableFuture.completedFuture(null));
        }
        return submit(() -> modify(offset, length, counters.writeErrors, () -> {
            for (long done = 0; done < length; ) {
                ByteBuffer zeroes = ZEROES.duplicate().limit((int) Math.min(MAX_REQUEST, length - done));
                provider.write(zeroes, localoff + offset + done);
                done += zeroes.limit();
            }
            if (fua) {
                provider.flush();
            }
            counters.writes.increment();
        }));
    }

    /**
     * Runs a modifying request with its extents dirty for its whole duration. With no secondary to
     * confirm it, and on failure, the extents stay dirty for the next synchronisation.
     */
    private void modify(long offset, long length, LongAdder errors, IoAction action)
            throws IOException {
        dirty.begin(offset, length);
        boolean stored = false;
        try {
            action.run();
            stored = true;
        } catch (IOException e) {
            errors.increment();
            throw e;
        } finally {
            dirty.end(offset, length, false);
            if (!stored) {
                LOG.log(Level.FINE, "[{0}] request at {1} failed; its extents stay dirty", new Object[] {resource, offset});
            }
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > datasize - length) {
            throw new IllegalArgumentException("Request [" + offset + ", +" + length + ") is outside " + resource
                    + " (size " + datasize + ")");
        }
    }

    private CompletionStage<Void> submit(IoAction action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
            return done;
        }
        inFlight.incrementAndGet();
        try {
            io.execute(() -> {
                try {
                    action.run();
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                } finally {
                    finished();
                }
            });
        } catch (RejectedExecutionException e) {
            // Lost a race with close(): the request never started.
            finished();
            done.completeExceptionally(new IOException("Resource " + resource + " is no longer primary"));
        }
        return done;
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    /**
     * Refuses new requests and waits for those in flight, so that the caller can flush the
     * activemap and metadata knowing no write is still going.
     *
     * @return whether every request finished before the deadline
     */
    boolean close(long timeoutMillis) throws InterruptedException {
        closed = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                inFlight.wait(left);
            }
        }
        io.shutdown();
        return io.awaitTermination(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
                && inFlight.get() == 0;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
