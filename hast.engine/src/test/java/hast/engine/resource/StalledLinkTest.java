package hast.engine.resource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import hast.api.Role;
import hast.api.event.HastEvent;
import hast.engine.local.FaultyDisk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary whose secondary stops reading must not stop with it: the timeout ends the
 * connection even while senders are stuck in socket writes, and the client's writes go on,
 * degraded, with their extents kept for the next synchronisation.
 */
class StalledLinkTest {
    private static final int WRITE = 128 * 1024;
    /** EnginePair's timeout is 1 s: a few of them. */
    private static final Duration FEW_TIMEOUTS = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private StalledSecondary stalled;
    private final Random random = new Random(11);

    @AfterEach
    void tearDown() throws Exception {
        if (stalled != null) {
            stalled.close();
        }
    }

    private static int count(EnginePair.Engine e, String type) {
        return (int) e.events.stream().filter(ev -> ev.type().equals(type)).count();
    }

    @Test
    void aSecondaryThatStopsReadingIsDroppedWithinTheTimeoutAndWritesGoOn() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        stalled = new StalledSecondary();
        int beta = pair.toBeta.target();
        pair.toBeta.target(stalled.port());
        pair.alpha.role(Role.PRIMARY);
        EnginePair.await("alpha to pair with the stalled secondary", () -> stalled.handshakes() > 0);
        int disconnects = count(pair.alpha, HastEvent.DISCONNECT);
        // Far more than the socket buffers between the two hold, so that senders block in their writes.
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            byte[] b = new byte[WRITE];
            random.nextBytes(b);
            writes.add(pair.alpha.write((long) i * WRITE % EnginePair.SIZE, b, false));
        }
        EnginePair.await("alpha to give up on the secondary that stopped reading", FEW_TIMEOUTS,
                () -> count(pair.alpha, HastEvent.DISCONNECT) > disconnects);
        for (CompletableFuture<Void> w : writes) {
            w.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        // A real secondary again: what the stalled one missed is copied, nothing was lost.
        stalled.close();
        pair.toBeta.target(beta);
        pair.toBeta.reset();
        pair.beta.role(Role.SECONDARY);
        pair.awaitClean(pair.alpha, pair.beta);
        byte[] a = pair.alpha.data();
        byte[] b = pair.beta.data();
        if (!Arrays.equals(a, b)) {
            throw new AssertionError("the copies differ from byte " + Arrays.mismatch(a, b));
        }
    }

    /**
     * A primary leaving its role while a request waits for an unanswering secondary: the role
     * change holds the resource while it drains, and the link's guard, which reads the resource's
     * configuration on every tick, must still be able to end the connection and itself.
     */
    @Test
    void leavingThePrimaryRoleWhileTheSecondaryDoesNotAnswerTakesAboutTheTimeout() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        FaultyDisk disk = pair.beta.disk();
        disk.freeze();
        try {
            byte[] b = new byte[4096];
            random.nextBytes(b);
            pair.alpha.write(0, b, false);
            long start = System.nanoTime();
            pair.alpha.role(Role.INIT);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(FEW_TIMEOUTS) < 0, "leaving the primary role took " + took.toMillis()
                    + " ms: the link's guard could not end while the role change held the resource");
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("hast-guard " + EnginePair.RESOURCE) && t.isAlive()),
                    "the link's guard outlived the primary role");
        } finally {
            disk.thaw();
        }
    }

    /**
     * A "secondary" that answers the primary's handshake one byte every 300 ms: every read gets
     * its byte well within the timeout (1 s), so only a deadline for the whole handshake (twice
     * the timeout) ends it, long before the 40 bytes of a header have come.
     */
    @Test
    void aSecondaryThatDripsItsHandshakeIsDroppedAtTheDeadline() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        try (java.net.ServerSocket drip = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            pair.toBeta.target(drip.getLocalPort());
            // Taking the role makes the first connection attempt in the caller's thread.
            CompletableFuture<Void> promoted = CompletableFuture.runAsync(() -> {
                try {
                    pair.alpha.role(Role.PRIMARY);
                } catch (hast.api.HastException e) {
                    throw new AssertionError(e);
                }
            });
            try (java.net.Socket primary = drip.accept()) {
                long start = System.nanoTime();
                primary.setSoTimeout(300);
                boolean closed = false;
                while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                    try {
                        primary.getOutputStream().write(0x48);
                        closed = primary.getInputStream().read(new byte[4096]) < 0;
                    } catch (java.net.SocketTimeoutException quiet) {
                        // Nothing from the primary in this period: drip on.
                    } catch (java.io.IOException reset) {
                        closed = true;
                    }
                }
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(closed && took < 4000, "the primary gave up after " + took + " ms (closed: " + closed + ")");
            }
            promoted.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
