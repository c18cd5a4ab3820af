package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import hast.api.device.Allocation;
import hast.api.device.HastDevice;

import org.junit.jupiter.api.Test;

/**
 * Block status waits for the first connection attempt like every request: until it ends, the
 * primary does not know whether the secondary holds newer data, and a hole in this file may be
 * the secondary's data.
 */
class FirstAttemptGateTest {

    @Test
    void allocationIsAskedOnlyOnceTheFirstAttemptEnded() throws Exception {
        HoledDevice device = new HoledDevice();
        CompletableFuture<Void> attempt = new CompletableFuture<>();
        HastDevice gate = new FirstAttemptGate(device, attempt);
        CompletableFuture<List<Allocation>> answer = gate.allocation(0, 4096).toCompletableFuture();
        assertFalse(answer.isDone(), "answered before the primary knew which copy is newer");
        assertEquals(List.of(), device.asked, "the device was asked before the attempt ended");
        attempt.complete(null);
        assertEquals(List.of(new Allocation(4096, true)), answer.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(new Allocation(512, true)), gate.allocation(0, 512).toCompletableFuture().get());
    }

    /** A device of one hole that records the allocations asked of it; it serves nothing else. */
    private static final class HoledDevice implements HastDevice {
        final List<Long> asked = new ArrayList<>();

        @Override
        public synchronized CompletionStage<List<Allocation>> allocation(long offset, long length) {
            asked.add(offset);
            return CompletableFuture.completedFuture(List.of(new Allocation(length, true)));
        }

        @Override
        public long size() {
            return 1 << 20;
        }

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        public int maxRequest() {
            return 1 << 20;
        }

        @Override
        public CompletionStage<Void> read(long offset, ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> flush() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> trim(long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
            throw new UnsupportedOperationException();
        }
    }
}
