package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import hast.api.device.HastDevice;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary's device plugged by a caller that has more requests at hand, as an exporter reading a
 * burst of a client's requests does: their frames wait in the link's buffer for the unplug.
 */
class PluggedDeviceTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    @Test
    void aPluggedCallersWritesLeaveTogetherAtItsUnplug() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        // Its mark is durable from now on: the next writes there run in the caller's thread.
        EnginePair.done(pair.alpha.write(0, block(9), false));
        HastDevice device = pair.alpha.device();
        long before = pair.toBeta.read();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        device.plug();
        try {
            for (int i = 0; i < 3; i++) {
                writes.add(pair.alpha.write((long) i * BLOCK, block(i), false));
            }
            // Shorter than the keepalive, which would carry them (the link's timeout is 1 s).
            assertFalse(within(Duration.ofMillis(150), () -> pair.toBeta.read() - before >= BLOCK),
                    "the writes' frames wait for the unplug");
            assertTrue(writes.stream().noneMatch(CompletableFuture::isDone),
                    "fullsync answers no write the secondary has not stored");
        } finally {
            device.unplug();
        }
        for (CompletableFuture<Void> w : writes) {
            EnginePair.done(w);
        }
        byte[] stored = pair.beta.data();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(block(i), Arrays.copyOfRange(stored, i * BLOCK, (i + 1) * BLOCK));
        }
    }

    /**
     * Whether {@code condition} comes to hold within {@code wait}: a check that something does not
     * happen, so it can only be bounded by time.
     */
    private static boolean within(Duration wait, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return condition.getAsBoolean();
    }

    private static byte[] block(int seed) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) (seed + 1));
        return b;
    }
}
