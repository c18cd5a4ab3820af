package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class InFlightTest {
    @Test
    void closingWaitsForAdmittedRequestsAndRefusesNewOnes() throws Exception {
        InFlight requests = new InFlight();
        assertTrue(requests.enter());
        assertTrue(requests.enter());
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
            try {
                requests.closeAndDrain(System.currentTimeMillis() + 60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (requests.enter()) {   // until the close has begun
            requests.leave();
            assertTrue(System.nanoTime() < deadline, "the close began");
            Thread.onSpinWait();
        }
        assertEquals(2, requests.count(), "a refused request is not counted");
        requests.leave();
        assertFalse(drained.isDone(), "one request is still in flight");
        requests.leave();
        drained.get(30, TimeUnit.SECONDS);
        assertEquals(0, requests.count());
    }

    @Test
    void theDrainGivesUpAtItsDeadline() throws Exception {
        InFlight requests = new InFlight();
        assertTrue(requests.enter());
        requests.closeAndDrain(System.currentTimeMillis() + 50);
        assertEquals(1, requests.count(), "the request that never left is still counted");
        assertFalse(requests.enter());
    }
}
