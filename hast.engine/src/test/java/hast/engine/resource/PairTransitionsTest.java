package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.Role;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes that meet a change of the pair's state: a synchronisation from the secondary cut by a
 * reconnect while the client writes to the same extents, and a role change with writes in flight.
 */
class PairTransitionsTest {
    private static final int EXTENT = EnginePair.EXTENT;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;
    private EnginePair pair;
    private final Random random = new Random(5);

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }


    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aReconnectDuringASyncFromTheSecondaryNeverCopiesOlderDataOverTheClientsWrites(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        // alpha leaves; beta takes over and writes twelve whole extents alone.
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);
        byte[] expected = new byte[(int) (12L * EXTENT)];
        for (int e = 0; e < 12; e++) {
            byte[] data = bytes(EXTENT);
            System.arraycopy(data, 0, expected, e * EXTENT, EXTENT);
            EnginePair.done(pair.beta.write((long) e * EXTENT, data, false));
        }
        // alpha comes back as primary: beta's copy is newer, so alpha copies the dirty extents from it...
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        // ...while its client writes into those same extents, and the link drops in the middle.
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            int e = i % 12;
            long at = (long) e * EXTENT + (long) (1 + i / 12) * 16 * BLOCK;
            byte[] data = bytes(BLOCK);
            System.arraycopy(data, 0, expected, (int) at, BLOCK);
            writes.add(pair.alpha.write(at, data, false));
            if (i == 20) {
                pair.toBeta.reset();
            }
        }
        for (CompletableFuture<Void> w : writes) {
            EnginePair.done(w);
        }
        // A write acknowledged here and missed by beta, in an extent alpha had not copied yet, leaves
        // each copy with data the other lacks: alpha must see that as a split-brain and refuse,
        // never copy beta's older extent over the client's write.
        EnginePair.await("the pair clean, or a split-brain reported", () -> EnginePair.clean(pair.alpha, pair.beta)
                || "split-brain".equals(pair.alpha.info().problem()));
        if (!EnginePair.clean(pair.alpha, pair.beta)) {
            assertTrue(pair.beta.events.stream().anyMatch(e -> e.type().equals(hast.api.event.HastEvent.SPLIT_BRAIN)),
                    "beta reported the split-brain too");
            return;
        }
        byte[] got = new byte[expected.length];
        for (int e = 0; e < 12; e++) {
            System.arraycopy(pair.alpha.read((long) e * EXTENT, EXTENT), 0, got, e * EXTENT, EXTENT);
        }
        if (!Arrays.equals(expected, got)) {
            int at = Arrays.mismatch(expected, got);
            throw new AssertionError("alpha differs at byte " + at + " (extent " + at / EXTENT + ", block "
                    + (at % EXTENT) / BLOCK + "): the synchronisation from beta and the client's writes crossed");
        }
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "the copies are equal once clean");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aWriteAcknowledgedWhileAHandshakeIsUnderWayIsSeenByIt(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        // Apart, beta writes as primary.
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);
        EnginePair.done(pair.beta.write(0, bytes(BLOCK), false));
        pair.beta.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        // alpha's next attempt starts its handshake (its HELLO carries its counters as they are)...
        pair.toBeta.stall();
        pair.beta.role(Role.SECONDARY);
        long before = pair.toBeta.read();
        EnginePair.await("alpha's handshake under way", () -> pair.toBeta.read() > before);
        // ...and a write is acknowledged before the handshake ends: alpha wrote apart too.
        byte[] mine = bytes(BLOCK);
        EnginePair.done(pair.alpha.write(5L * EXTENT, mine, false));
        pair.toBeta.resume();
        // Both wrote apart: a split-brain, never beta's extents copied over alpha's write.
        EnginePair.await("the split-brain seen", () -> "split-brain".equals(pair.alpha.info().problem())
                || EnginePair.clean(pair.alpha, pair.beta));
        assertArrayEquals(mine, pair.alpha.read(5L * EXTENT, BLOCK), "alpha's acknowledged write is there");
        assertTrue("split-brain".equals(pair.alpha.info().problem()), "a split-brain, not a synchronisation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aRoleChangeWithWritesInFlightKeepsEveryAcknowledgedWrite(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        // beta's disk stops answering: the writes wait for it (fullsync), or its answer (memsync, async).
        pair.beta.disk().freeze();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            data.add(bytes(BLOCK));
            writes.add(pair.alpha.write((long) i * EXTENT / 2, data.get(i), false));
        }
        CompletableFuture<Void> demotion = CompletableFuture.runAsync(() -> {
            try {
                pair.alpha.role(Role.INIT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        demotion.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        pair.beta.disk().thaw();
        boolean[] acked = new boolean[writes.size()];
        for (int i = 0; i < writes.size(); i++) {
            try {
                EnginePair.done(writes.get(i));
                acked[i] = true;
            } catch (ExecutionException e) {
                acked[i] = false;
            }
        }
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        int checked = 0;
        for (int i = 0; i < writes.size(); i++) {
            if (acked[i]) {
                checked++;
                assertArrayEquals(data.get(i), pair.alpha.read((long) i * EXTENT / 2, BLOCK),
                        "write " + i + " was acknowledged before the role changed");
            }
        }
        assertTrue(checked > 0, "the writes in flight were drained, not dropped");
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "the copies are equal once clean");
    }
}
