package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fence between client writes and the extents a synchronisation or a verification holds. */
class SyncFenceTest {
    private static final long EXTENT = 1 << 20;
    private final SyncFence fence = new SyncFence(EXTENT);

    @Test
    void anExtentHeldTwiceStaysFencedUntilBothClaimsAreGivenUp() throws InterruptedException {
        fence.enterSync(3);   // the synchroniser
        fence.enterSync(3);   // a verification of the same extent
        assertFalse(fence.tryEnterWrite(3 * EXTENT + 10, 4096));
        fence.exitSync(3);
        assertFalse(fence.tryEnterWrite(3 * EXTENT + 10, 4096), "the other claim still holds it");
        assertTrue(fence.tryEnterWrite(2 * EXTENT, 4096), "other extents are free");
        fence.exitSync(3);
        assertTrue(fence.tryEnterWrite(3 * EXTENT + 10, 4096));
    }

    @Test
    void aClaimInterruptedWhileWaitingForAWriteIsGivenUp() {
        assertTrue(fence.tryEnterWrite(5 * EXTENT, 512));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> fence.enterSync(5));
        fence.exitWrite(5 * EXTENT, 512);
        assertTrue(fence.tryEnterWrite(5 * EXTENT, 512), "no claim was left behind");
    }
}
