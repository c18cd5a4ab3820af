package hast.engine.resource;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import hast.api.device.Allocation;
import hast.api.device.HastDevice;

/**
 * A primary's device as exporters see it while the first connection to the secondary is being
 * made: published at once, so that a role change returns without waiting for a peer that may
 * take the whole timeout to answer, but each request waits for the end of that first attempt.
 * Only then does the primary know whether the secondary holds newer data (whose extents must be
 * read from there, and are no hole here whatever this file says), so no request may touch its copy
 * or ask its allocation before. Once the attempt has ended,
 * requests go straight through.
 */
final class FirstAttemptGate implements HastDevice {
    private final HastDevice device;
    private final CompletionStage<Void> firstAttempt;

    FirstAttemptGate(HastDevice device, CompletionStage<Void> firstAttempt) {
        this.device = device;
        this.firstAttempt = firstAttempt;
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public int blockSize() {
        return device.blockSize();
    }

    @Override
    public int maxRequest() {
        return device.maxRequest();
    }

    @Override
    public void plug() {
        device.plug();
    }

    @Override
    public void unplug() {
        device.unplug();
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        return after(() -> device.read(offset, dst));
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
        return after(() -> device.write(offset, src, fua));
    }

    @Override
    public CompletionStage<Void> flush() {
        return after(device::flush);
    }

    @Override
    public CompletionStage<Void> trim(long offset, long length) {
        return after(() -> device.trim(offset, length));
    }

    @Override
    public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
        return after(() -> device.writeZeroes(offset, length, mayTrim, fua));
    }

    @Override
    public CompletionStage<List<Allocation>> allocation(long offset, long length) {
        return after(() -> device.allocation(offset, length));
    }

    /**
     * Runs the request now when the attempt is over; otherwise once it is, in a pool thread rather
     * than the link's guard, which ends the attempt and must go on watching the link.
     */
    private <T> CompletionStage<T> after(Supplier<CompletionStage<T>> request) {
        if (firstAttempt.toCompletableFuture().isDone()) {
            return request.get();
        }
        return firstAttempt.thenComposeAsync(v -> request.get());
    }
}
