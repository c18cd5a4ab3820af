package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import hast.api.HastException;
import hast.api.Role;
import hast.api.event.HastEvent;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split-brain waits for an operator, and the primary keeps trying meanwhile: each node raises
 * the event (and so runs its hooks) once per episode, not once per attempt, and the attempts
 * space out. The operator's recovery gives one side's writes up and copies only what either
 * side wrote since they parted.
 */
class SplitBrainEpisodeTest {
    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    @Test
    void eachNodeRaisesOneEventPerEpisodeAndTheRetriesBackOff() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        // Apart, each side is primary and writes.
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);
        EnginePair.done(pair.beta.write(0, new byte[4096], false));
        pair.beta.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        EnginePair.done(pair.alpha.write(EnginePair.EXTENT, new byte[4096], false));
        int before = pair.toBeta.accepted().size();
        pair.beta.role(Role.SECONDARY);

        // The first refusal, then two more attempts of the same episode.
        EnginePair.await("three attempts refused", Duration.ofSeconds(60),
                () -> pair.toBeta.accepted().size() - before >= 3 && "split-brain".equals(pair.alpha.info().problem()));
        assertEquals(1, count(pair.alpha, HastEvent.SPLIT_BRAIN), "alpha raised the split-brain once");
        assertEquals(1, count(pair.beta, HastEvent.SPLIT_BRAIN), "beta raised the split-brain once");

        List<Long> attempts = pair.toBeta.accepted();
        attempts = attempts.subList(attempts.size() - 3, attempts.size());
        long first = attempts.get(1) - attempts.get(0);
        long second = attempts.get(2) - attempts.get(1);
        // Pauses of 4 s, then 8 s: never a steady 2 s.
        assertTrue(first >= TimeUnit.MILLISECONDS.toNanos(3_500) && second >= TimeUnit.MILLISECONDS.toNanos(7_500),
                "the pauses between attempts (" + TimeUnit.NANOSECONDS.toMillis(first) + " ms, "
                        + TimeUnit.NANOSECONDS.toMillis(second) + " ms) double");

        // A new episode (here: after a role change of the primary) raises the event again.
        pair.alpha.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        EnginePair.await("alpha raised a second episode's event", () -> count(pair.alpha, HastEvent.SPLIT_BRAIN) == 2);
        assertEquals(1, count(pair.beta, HastEvent.SPLIT_BRAIN), "beta's episode lasts while it stays secondary");
    }

    @Test
    void discardOnTheLoserCopiesOnlyWhatEitherSideWroteSinceTheyParted() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        // Data everywhere, so that a full copy would cost the whole disk on the wire.
        Random random = new Random(11);
        for (long at = 0; at < EnginePair.SIZE; at += EnginePair.EXTENT) {
            EnginePair.done(pair.alpha.write(at, bytes(random, EnginePair.EXTENT), false));
        }
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(69, assertThrows(HastException.class, pair.beta::discard).status(),
                "no split-brain: nothing to discard");
        // Apart, beta writes into extent 3 and alpha into extent 5.
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);
        EnginePair.done(pair.beta.write(3L * EnginePair.EXTENT, bytes(random, 65536), false));
        pair.beta.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        byte[] alphas = bytes(random, 65536);
        EnginePair.done(pair.alpha.write(5L * EnginePair.EXTENT, alphas, false));
        pair.beta.role(Role.SECONDARY);
        EnginePair.await("the split-brain refused", () -> "split-brain".equals(pair.beta.info().problem()));
        assertEquals(69, assertThrows(HastException.class, pair.alpha::discard).status(), "the primary keeps its data");

        long before = pair.toBeta.relayed();
        pair.beta.discard();
        EnginePair.await("the pair clean after the discard", Duration.ofSeconds(60),
                () -> EnginePair.clean(pair.alpha, pair.beta));
        long copied = pair.toBeta.relayed() - before;
        byte[] betas = pair.beta.data();
        assertArrayEquals(pair.alpha.data(), betas, "beta holds alpha's copy");
        assertArrayEquals(alphas, Arrays.copyOfRange(betas, 5 * EnginePair.EXTENT, 5 * EnginePair.EXTENT + alphas.length),
                "alpha's write is on beta");
        // The two extents written apart, with those each node's keepdirty list (4 here) still held
        // dirty: far less than the 16 extents of a full copy.
        assertTrue(copied < 8L * EnginePair.EXTENT, copied + " bytes on the wire, a full copy is 16 extents");
        assertTrue(copied >= 2L * EnginePair.EXTENT, copied + " bytes on the wire: both extents copied");
    }

    @Test
    void bothSidesPrimaryApartButOneWroteNothingIsNoSplitBrain() throws Exception {
        // DRBD's after-sb-0pri discard-zero-changes, without a setting: the counters move only
        // with a write acknowledged apart, so the side that wrote nothing is just behind.
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);      // beta serves apart, but nobody writes
        EnginePair.await("beta degraded", () -> !pair.beta.info().connected());
        pair.beta.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        byte[] data = bytes(new Random(5), 65536);
        EnginePair.done(pair.alpha.write(7L * EnginePair.EXTENT, data, false));
        pair.beta.role(Role.SECONDARY);
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(0, count(pair.alpha, HastEvent.SPLIT_BRAIN) + count(pair.beta, HastEvent.SPLIT_BRAIN));
        assertArrayEquals(pair.alpha.data(), pair.beta.data());
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static long count(EnginePair.Engine node, String type) {
        return node.events.stream().filter(e -> e.type().equals(type)).count();
    }
}
