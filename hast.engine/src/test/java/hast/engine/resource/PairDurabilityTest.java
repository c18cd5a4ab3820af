package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.Role;
import hast.api.event.HastEvent;
import hast.engine.local.FaultyDisk;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each mode promises when a disk's cache, a disk or a flush fails, on two engines in one
 * JVM whose disks keep writes in a volatile cache until a flush (see {@link EnginePair}).
 */
class PairDurabilityTest {
    private static final int EXTENT = EnginePair.EXTENT;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private final Random random = new Random(11);

    /** alpha primary, beta secondary, connected and clean. */
    private void start(String mode) throws Exception {
        pair = new EnginePair(dir, mode, true);
        pair.startInSync();
    }

    private byte[] block(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }


    /** The data areas of both nodes, as each disk holds them now. */
    private void assertCopiesEqual() throws Exception {
        byte[] a = pair.alpha.data();
        byte[] b = pair.beta.data();
        if (!Arrays.equals(a, b)) {
            int at = Arrays.mismatch(a, b);
            throw new AssertionError("the copies differ from byte " + at + " (extent " + at / EXTENT
                    + ") while the pair reports complete with no dirty extent");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aSecondaryThatLosesPowerBeforeAFlushGetsItsUnflushedExtentsAgain(String mode) throws Exception {
        start(mode);
        // Written and answered; neither node flushed, so the secondary holds the data in its cache only.
        for (int e = 0; e < 3; e++) {
            EnginePair.done(pair.alpha.write((long) e * EXTENT, block(64 * 1024), false));
        }
        EnginePair.await("the secondary to have stored the writes", () -> answered(pair.alpha));
        pair.beta.powerCut();
        pair.beta.boot();
        pair.beta.role(Role.SECONDARY);
        pair.awaitClean(pair.alpha, pair.beta);
        assertCopiesEqual();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync"})
    void aPrimaryThatLosesPowerLeavesItsUnflushedExtentsMarkedForTheNextSync(String mode) throws Exception {
        start(mode);
        // The first synchronisation left every extent marked on disk until the flusher's next image
        // (within a second): a role cycle writes the clean image now, or the marks of the full sync
        // would hide missing ones.
        pair.alpha.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        // More extents than keepdirty (4): the list cannot be what keeps the early ones marked.
        for (int e = 0; e < 10; e++) {
            EnginePair.done(pair.alpha.write((long) e * EXTENT, block(64 * 1024), false));
        }
        pair.alpha.powerCut();
        pair.beta.role(Role.PRIMARY);
        pair.alpha.boot();
        pair.alpha.role(Role.SECONDARY);
        pair.awaitClean(pair.beta, pair.alpha);
        assertCopiesEqual();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void bothNodesLosingPowerKeepEverythingAFlushCompletedAndNeverReportCleanExtentsThatDiffer(String mode)
            throws Exception {
        start(mode);
        pair.alpha.role(Role.INIT);
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        byte[][] flushed = new byte[6][];
        for (int e = 0; e < 6; e++) {
            flushed[e] = block(64 * 1024);
            EnginePair.done(pair.alpha.write((long) e * EXTENT, flushed[e], false));
        }
        EnginePair.done(pair.alpha.flush());
        // Written after the flush and never flushed: either node may lose them, both must agree after.
        for (int e = 3; e < 12; e++) {
            EnginePair.done(pair.alpha.write((long) e * EXTENT + 128 * 1024, block(64 * 1024), false));
        }
        // The secondary's drive wrote its cache back on its own, the primary's did not: the copies
        // come back different, and only the marks on disk can tell the pair which extents.
        pair.beta.disk().flush();
        pair.beta.powerCut();
        pair.alpha.powerCut();
        pair.alpha.boot();
        pair.beta.boot();
        pair.startInSync();
        for (int e = 0; e < 6; e++) {
            assertArrayEquals(flushed[e], pair.alpha.read((long) e * EXTENT, flushed[e].length),
                    "extent " + e + " was written before a completed FLUSH");
        }
        assertCopiesEqual();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aFuaWriteIsDurableOnTheSecondaryWhenAnswered(String mode) throws Exception {
        start(mode);
        byte[] data = block(64 * 1024);
        EnginePair.done(pair.alpha.write(5L * EXTENT, data, true));
        EnginePair.await("the secondary to have answered", () -> answered(pair.alpha));
        byte[] durable = Arrays.copyOfRange(pair.beta.durableData(), 5 * EXTENT, 5 * EXTENT + data.length);
        assertArrayEquals(data, durable, "the secondary flushed before it answered the FUA write");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync"})
    void aFlushTheSecondaryFailsFailsTheClientOrDegradesThePair(String mode) throws Exception {
        start(mode);
        byte[] data = block(64 * 1024);
        EnginePair.done(pair.alpha.write(2L * EXTENT, data, false));
        pair.beta.disk().fail(FaultyDisk.Op.FLUSH, true);
        int disconnects = count(pair.alpha, HastEvent.DISCONNECT);
        boolean flushed;
        try {
            EnginePair.done(pair.alpha.flush());
            flushed = true;
        } catch (ExecutionException e) {
            flushed = false;
        }
        if (flushed) {
            assertTrue(count(pair.alpha, HastEvent.DISCONNECT) > disconnects,
                    "a FLUSH answered with success although the secondary's failed, and the pair was not degraded");
        }
        assertTrue(pair.alpha.info().dirty() >= EXTENT, "the written extent stays dirty");
        pair.beta.disk().fail(FaultyDisk.Op.FLUSH, false);
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(pair.alpha.durableData(), pair.beta.durableData(),
                "once clean again, both disks hold the same durable data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void aWriteTheSecondaryFailedRaisesLocalcntBeforeTheSplitBrainCanHide(String mode) throws Exception {
        start(mode);
        long before = pair.alpha.metadataOnDisk().localcnt();
        pair.beta.disk().fail(FaultyDisk.Op.WRITE, true);
        EnginePair.done(pair.alpha.write(7L * EXTENT, block(4096), false));
        EnginePair.await("the secondary's error reply", () -> pair.alpha.info().statistics().remoteErrors() > 0
                || answered(pair.alpha));
        EnginePair.await("localcnt to record that this copy moved on",
                () -> metadataLocalcnt(pair.alpha) > before);
        pair.beta.disk().fail(FaultyDisk.Op.WRITE, false);
        pair.awaitClean(pair.alpha, pair.beta);
        assertCopiesEqual();
    }

    /** Whether the secondary has answered every request sent to it. */
    private static boolean answered(EnginePair.Engine primary) {
        var q = primary.info().queues();
        return q.send() == 0 && q.recv() == 0 && q.done() == 0;
    }

    private static long metadataLocalcnt(EnginePair.Engine e) {
        try {
            return e.metadataOnDisk().localcnt();
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }

    private static int count(EnginePair.Engine e, String type) {
        return (int) e.events.stream().filter(ev -> ev.type().equals(type)).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "async"})
    void aLocalReadErrorIsServedByTheSecondaryOnlyWhereItsCopyIsCurrent(String mode) throws Exception {
        start(mode);
        byte[] current = block(4096);
        EnginePair.done(pair.alpha.write(3L * EXTENT, current, false));
        pair.alpha.disk().fail(FaultyDisk.Op.READ, true);
        assertArrayEquals(current, pair.alpha.read(3L * EXTENT, 4096), "served by the secondary");
        // The secondary fails to store the next write (and every synchronisation of it): its copy is older.
        pair.beta.disk().fail(FaultyDisk.Op.WRITE, true);
        byte[] newer = block(4096);
        EnginePair.done(pair.alpha.write(3L * EXTENT, newer, false));
        EnginePair.await("the secondary's error reply", () -> answered(pair.alpha));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> pair.alpha.read(3L * EXTENT, 4096), "the secondary's older copy is no answer");
        assertTrue(e.getCause().getMessage().contains("injected read error"), e.getCause().toString());
        pair.alpha.disk().fail(FaultyDisk.Op.READ, false);
        assertArrayEquals(newer, pair.alpha.read(3L * EXTENT, 4096));
        pair.beta.disk().fail(FaultyDisk.Op.WRITE, false);
        pair.awaitClean(pair.alpha, pair.beta);
        assertCopiesEqual();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fullsync", "memsync", "async"})
    void writtenExtentsBecomeCleanWithoutAClientFlush(String mode) throws Exception {
        start(mode);
        EnginePair.done(pair.alpha.write(0, block(4096), false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(0, pair.beta.disk().unflushed(), "the engine flushed the secondary before the extent became clean");
        assertEquals(0, pair.alpha.disk().unflushed(), "and its own disk");
        assertCopiesEqual();
    }
}
