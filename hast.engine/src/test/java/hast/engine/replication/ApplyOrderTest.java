package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Which of a secondary's requests may be carried out at once, and which wait for which. */
class ApplyOrderTest {
    private static final long SIZE = 1 << 20;
    private final ApplyOrder order = new ApplyOrder(8, SIZE);

    private ApplyOrder.Entry admit(Frame.Type type, long offset, long length) {
        return order.admit(Frame.request(type, 0, 1, offset, length, null));
    }

    @Test
    void writesToDifferentBytesStartAtOnce() {
        assertTrue(admit(Frame.Type.WRITE, 0, 4096).startsNow());
        assertTrue(admit(Frame.Type.WRITE, 4096, 4096).startsNow(), "adjacent, not overlapping");
        assertTrue(admit(Frame.Type.DELETE, 8192, 4096).startsNow());
    }

    @Test
    void anOverlappingWriteOrTrimWaitsForEveryEarlierOneAndStartsWhenTheLastIsFinished() {
        ApplyOrder.Entry first = admit(Frame.Type.WRITE, 0, 8192);
        ApplyOrder.Entry second = admit(Frame.Type.WRITE, 4096, 8192);
        ApplyOrder.Entry trim = admit(Frame.Type.DELETE, 6144, 4096);
        assertFalse(second.startsNow());
        assertFalse(trim.startsNow());
        assertEquals(List.of(second), order.finished(first), "the trim still waits for the second write");
        assertEquals(List.of(trim), order.finished(second));
        assertEquals(List.of(), order.finished(trim));
        assertEquals(0, order.size());
    }

    @Test
    void readsWaitForOverlappingWritesOnlyAndWritesForOverlappingReads() {
        ApplyOrder.Entry read = admit(Frame.Type.READ, 0, 4096);
        assertTrue(admit(Frame.Type.DIGEST, 0, 4096).startsNow(), "reads do not wait for reads");
        ApplyOrder.Entry write = admit(Frame.Type.WRITE, 0, 4096);
        assertFalse(write.startsNow(), "a write does not overtake a read of its bytes");
        ApplyOrder.Entry after = admit(Frame.Type.READ, 2048, 4096);
        assertFalse(after.startsNow(), "a read sees the write before it");
        assertTrue(admit(Frame.Type.READ, 8192, 4096).startsNow());
    }

    @Test
    void aFlushOrReportWaitsForEverythingBeforeItAndNothingAfterItWaitsForIt() {
        ApplyOrder.Entry write = admit(Frame.Type.WRITE, 0, 4096);
        ApplyOrder.Entry read = admit(Frame.Type.READ, 65536, 4096);
        ApplyOrder.Entry flush = admit(Frame.Type.FLUSH, 0, 0);
        ApplyOrder.Entry report = admit(Frame.Type.SYNC, 0, 0);
        assertFalse(flush.startsNow());
        assertFalse(report.startsNow(), "reports keep their order with flushes");
        assertTrue(admit(Frame.Type.WRITE, 8192, 4096).startsNow(), "a later write need not wait for the flush");
        assertEquals(List.of(), order.finished(read));
        assertEquals(List.of(flush), order.finished(write));
        assertEquals(List.of(report), order.finished(flush));
    }

    @Test
    void aRequestOutsideTheDataTouchesNothing() {
        admit(Frame.Type.WRITE, 0, SIZE);
        assertTrue(admit(Frame.Type.WRITE, SIZE - 4096, 8192).startsNow(), "it fails before the disk");
        assertTrue(admit(Frame.Type.READ, -4096, 8192).startsNow());
    }

    @Test
    void admissionWaitsWhileTheLimitIsReached() throws Exception {
        ApplyOrder one = new ApplyOrder(1, SIZE);
        ApplyOrder.Entry first = one.admit(Frame.request(Frame.Type.WRITE, 0, 1, 0, 4096, null));
        AtomicReference<ApplyOrder.Entry> second = new AtomicReference<>();
        Thread t = new Thread(() -> second.set(one.admit(Frame.request(Frame.Type.WRITE, 0, 2, 8192, 4096, null))));
        t.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, t.getState(), "the second admission waits");
        one.finished(first);
        t.join(10_000);
        assertTrue(second.get().startsNow());
    }
}
