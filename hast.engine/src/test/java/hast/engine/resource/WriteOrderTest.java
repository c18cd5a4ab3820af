package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class WriteOrderTest {
    private final WriteOrder order = new WriteOrder();

    @Test
    void overlappingRangesExcludeEachOtherAndDisjointOnesDoNot() {
        assertTrue(order.tryHold(4096, 4096));
        assertFalse(order.tryHold(4096, 4096), "the same range");
        assertFalse(order.tryHold(8191, 1), "its last byte");
        assertFalse(order.tryHold(0, 4097), "its first byte");
        assertFalse(order.tryHold(0, 1 << 20), "a range around it");
        assertTrue(order.tryHold(8192, 4096), "the range right after it");
        assertTrue(order.tryHold(0, 4096), "the range right before it");
        order.release(4096, 4096);
        assertTrue(order.tryHold(4096, 4096), "free again once released");
    }

    @Test
    void aWaitingWriteGoesOnOnceTheOverlappingOneIsDone() throws Exception {
        assertTrue(order.tryHold(0, 65536));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                order.hold(4096, 4096);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(200, TimeUnit.MILLISECONDS),
                "it waits while the first write holds the range");
        order.release(0, 65536);
        second.get(10, TimeUnit.SECONDS);
        assertFalse(order.tryHold(4096, 1), "the second write holds its range now");
    }

    @Test
    void releasingARangeNotHeldIsABug() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> order.release(0, 512));
        assertEquals("Range [0, +512) is not held", e.getMessage());
    }
}
