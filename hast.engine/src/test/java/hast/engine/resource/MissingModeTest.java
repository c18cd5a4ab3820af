package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary whose configured replication mode is not on the whiteboard refuses writes, shows the
 * problem and counts the refusals, and never acknowledges a write under another mode; the mode's
 * arrival heals it without a restart. A promotion waits a few seconds for a reference mode whose
 * bundle is not registered yet, and only for one of those.
 */
class MissingModeTest {
    private static final String REFUSING = "replication mode %s is not available on this node; writes refused";

    @RegisterExtension
    final LogCapture log = LogCapture.of(ConfiguredMode.class, Level.INFO);
    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    @Test
    void aModeThatGoesAwayRefusesWritesUntilItIsBack() throws Exception {
        pair = new EnginePair(dir, "memsync", false);
        pair.startInSync();
        byte[] before = block(1);
        EnginePair.done(pair.alpha.write(0, before, false));
        pair.awaitClean(pair.alpha, pair.beta);

        // As a stopped (or updating) mode bundle leaves the whiteboard.
        ReplicationMode memsync = pair.alpha.modes.remove("memsync");
        String problem = String.format(REFUSING, "memsync");
        assertEquals(problem, pair.alpha.info().problem());
        assertEquals("degraded", pair.alpha.info().status());
        assertRefused(pair.alpha.write(0, block(2), false), problem);
        assertRefused(pair.alpha.flush(), problem);
        assertEquals(2, pair.alpha.info().statistics().modeRefusals());
        assertArrayEquals(before, pair.alpha.read(0, before.length), "the refused write reached no disk");
        assertEquals(0, pair.alpha.info().dirty(), "nor marked anything dirty");

        pair.alpha.modes.put("memsync", memsync);
        assertNull(pair.alpha.info().problem());
        byte[] after = block(3);
        EnginePair.done(pair.alpha.write(0, after, false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(after, Arrays.copyOf(pair.beta.data(), after.length));
        assertEquals(2, pair.alpha.info().statistics().modeRefusals(), "counted while it lasted, not after");
    }

    @Test
    void aModeNamedBeforeItsBundleIsThereDegradesThePrimaryUntilItArrives() throws Exception {
        // The daemon starts with a name no bundle has registered yet: a warning, not a refusal to start.
        pair = new EnginePair(dir, "quorum", false);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        String problem = String.format(REFUSING, "quorum");
        EnginePair.await("alpha connected", () -> pair.alpha.info().connected());
        assertEquals(problem, pair.alpha.info().problem());
        assertEquals("degraded", pair.alpha.info().status());
        assertRefused(pair.alpha.write(0, block(4), false), problem);
        assertEquals(1, pair.alpha.info().statistics().modeRefusals());

        // A reload may not name a mode this node has never heard of.
        Files.writeString(pair.conf, Files.readString(pair.conf).replace("replication quorum", "replication quorom"));
        HastException e = assertThrows(HastException.class, pair.alpha::reload);
        assertEquals(Sysexits.EX_CONFIG, e.status());
        assertTrue(e.getMessage().endsWith("resource r0: Unknown replication mode 'quorom' (known here: async,"
                + " fullsync, memsync)"), e.getMessage());
        assertEquals("quorum", pair.alpha.info().replication(), "the refused reload changed nothing");

        // The mode's bundle arrives: the next write finds it, with no restart of the primary.
        pair.alpha.modes.put("quorum", new Quorum());
        byte[] data = block(5);
        EnginePair.done(pair.alpha.write(0, data, false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertNull(pair.alpha.info().problem());
        assertArrayEquals(data, Arrays.copyOf(pair.beta.data(), data.length));
    }

    @Test
    void aPromotionWaitsForAReferenceModeWhoseBundleIsStillStarting() throws Exception {
        // As at a daemon's start, when hast.replication starts after the engine: the first role
        // change must not leave a primary that refuses its first writes.
        pair = new EnginePair(dir, "memsync", false);
        pair.beta.role(Role.SECONDARY);
        ReplicationMode memsync = pair.alpha.modes.remove("memsync");
        CompletableFuture<Void> promotion = CompletableFuture.runAsync(() -> {
            try {
                pair.alpha.role(Role.PRIMARY);
            } catch (HastException e) {
                throw new CompletionException(e);
            }
        });
        assertNotNull(log.await("[r0] Replication mode memsync is not registered yet", EnginePair.DEADLINE), log::toString);

        pair.alpha.modes.put("memsync", memsync);
        promotion.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(log.contains("[r0] Replication mode memsync is registered; serving as primary."), log::toString);
        byte[] data = block(6);
        EnginePair.done(pair.alpha.write(0, data, false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertNull(pair.alpha.info().problem());
        assertEquals(0, pair.alpha.info().statistics().modeRefusals(), "the first write found its mode");
        assertArrayEquals(data, Arrays.copyOf(pair.beta.data(), data.length));
    }

    @Test
    void aReferenceModeThatNeverArrivesIsRefusedAfterABoundedWait() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.modes.remove("fullsync");
        pair.alpha.role(Role.PRIMARY);

        assertTrue(log.contains("[r0] Replication mode fullsync did not arrive within 5 seconds; serving as primary"
                + " with writes refused until it does."), log::toString);
        assertEquals(Role.PRIMARY, pair.alpha.info().role());
        String problem = String.format(REFUSING, "fullsync");
        assertRefused(pair.alpha.write(0, block(7), false), problem);
        assertEquals(1, pair.alpha.info().statistics().modeRefusals(), "never a silent fallback");
    }

    /** A third party's mode: acknowledged once both nodes have the write on disk, and only if both succeeded. */
    private static final class Quorum implements ReplicationMode {
        @Override
        public boolean acknowledge(WriteProgress p) {
            return p.localDone() && p.remoteDone();
        }
    }

    private static void assertRefused(CompletableFuture<Void> request, String problem)
            throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> request.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(problem, e.getCause().getMessage());
    }

    private static byte[] block(int fill) {
        byte[] b = new byte[64 * 1024];
        Arrays.fill(b, (byte) fill);
        return b;
    }
}
