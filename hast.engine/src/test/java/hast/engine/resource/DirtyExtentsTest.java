package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import hast.api.storage.LocalProvider;
import hast.engine.activemap.ActiveMap;
import hast.engine.activemap.ActiveMapStore;
import hast.engine.local.FileProvider;
import hast.engine.local.ForwardingProvider;
import hast.engine.metadata.ProviderLayout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit of activemap images over a real file. */
class DirtyExtentsTest {
    private static final long MIB = 1 << 20;
    private static final int WRITERS = 31;

    @TempDir
    Path dir;
    private ProviderLayout layout;
    private FileProvider file;

    @BeforeEach
    void provider() throws Exception {
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(128 * MIB);
        }
        layout = ProviderLayout.of(128 * MIB, MIB, 512);
        file = FileProvider.open(disk, false);
    }

    @Test
    void requestsArrivingDuringAnImageWriteShareTheNextOne() throws Exception {
        GatedProvider gated = new GatedProvider(file);
        DirtyExtents dirty = dirtyExtents(gated);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            // The first request's image write is held at the gate...
            Future<?> first = pool.submit(() -> begin(dirty, 0));
            assertTrue(gated.entered.await(10, TimeUnit.SECONDS));
            // ...while 31 more requests, each on an extent of its own, arrive and wait.
            List<Future<?>> rest = new ArrayList<>();
            for (int e = 1; e <= WRITERS; e++) {
                int extent = e;
                rest.add(pool.submit(() -> begin(dirty, extent)));
            }
            awaitWaiting(WRITERS);
            gated.open.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : rest) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, gated.durableWrites.get(), "one image for the first request, one for all the others");
        BitSet onDisk = BitSet.valueOf(new ActiveMapStore(file, layout, false).read());
        assertEquals(WRITERS + 1, onDisk.cardinality(), "every request's extent is marked on disk");
    }

    @Test
    void aFailedImageWriteFailsItsRequestAndTheNextOneWritesAgain() throws Exception {
        GatedProvider gated = new GatedProvider(file);
        gated.open.countDown();
        gated.failNext = true;
        DirtyExtents dirty = dirtyExtents(gated);
        assertThrows(IOException.class, () -> dirty.begin(0, 4096));
        dirty.begin(MIB, 4096);
        BitSet onDisk = BitSet.valueOf(new ActiveMapStore(file, layout, false).read());
        assertTrue(onDisk.get(0) && onDisk.get(1), "the retried image carries both marks");
    }

    private DirtyExtents dirtyExtents(LocalProvider provider) {
        ActiveMap map = new ActiveMap(layout.datasize(), layout.extentsize(), (int) layout.mapsize(), 64);
        return new DirtyExtents("r0", layout.datasize(), map, new ActiveMapStore(provider, layout, true), new Counters());
    }

    private Void begin(DirtyExtents dirty, int extent) throws IOException {
        dirty.begin(extent * layout.extentsize(), 4096);
        return null;
    }

    /** Waits, with a deadline, until {@code n} requests wait for an image another one is writing. */
    private static void awaitWaiting(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiting() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + waiting() + " of " + n + " requests are waiting");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static long waiting() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.WAITING)
                .filter(e -> List.of(e.getValue()).stream().anyMatch(f -> f.getMethodName().equals("persistUpTo")))
                // Not the request whose image write is held at the gate.
                .filter(e -> List.of(e.getValue()).stream().noneMatch(f -> f.getMethodName().equals("writeDurably")))
                .count();
    }

    /** Passes everything to a real provider; durable writes are counted and the first waits at a gate. */
    private static final class GatedProvider extends ForwardingProvider {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicInteger durableWrites = new AtomicInteger();
        volatile boolean failNext;

        GatedProvider(LocalProvider target) {
            super(target);
        }

        @Override
        public void writeDurably(ByteBuffer src, long offset) throws IOException {
            entered.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failNext) {
                failNext = false;
                throw new IOException("injected failure");
            }
            durableWrites.incrementAndGet();
            target.writeDurably(src, offset);
        }
    }
}
