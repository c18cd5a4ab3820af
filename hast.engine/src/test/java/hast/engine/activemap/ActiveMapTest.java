package hast.engine.activemap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ActiveMapTest {
    private static final long EXT = 1 << 20;

    /** 16 extents of 1 MiB, a 2-byte image padded to 8, keepdirty 2. */
    private final ActiveMap map = new ActiveMap(16 * EXT, EXT, 8, 2);

    /** Both nodes flush: what was written before becomes durable on both; returns whether the image should be written. */
    private boolean flushBoth() {
        return map.flushed(map.flushBegins());
    }

    @Test
    void aFirstWriteNeedsTheMarkOnDiskARepeatDoesNot() {
        assertTrue(map.writeStart(0, 4096));
        map.bitmap();
        assertFalse(map.writeStart(4096, 4096), "extent 0 is already marked on disk");
        assertEquals(EXT, map.dirtyBytes());
    }

    @Test
    void keptDirtyExtentsStayMarkedOnDiskAfterTheirWritesComplete() {
        map.writeStart(0, 4096);
        map.bitmap();
        map.writeComplete(0, 4096);
        assertEquals(EXT, map.dirtyBytes(), "dirty until a flush of both nodes");
        assertFalse(flushBoth(), "extent 0 is in the keepdirty list: no write needed");
        assertEquals(0, map.dirtyBytes());
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, map.bitmap());
    }

    @Test
    void leastRecentlyUsedExtentIsEvictedAndCleanedAtTheNextWrite() {
        for (int e : new int[] {0, 1, 2}) {
            map.writeStart(e * EXT, 4096);
            map.writeComplete(e * EXT, 4096);
        }
        flushBoth();
        // keepdirty 2: extent 0 fell out of the list and is no longer part of the image.
        assertArrayEquals(new byte[] {6, 0, 0, 0, 0, 0, 0, 0}, map.bitmap());
    }

    @Test
    void completingAWriteOutsideKeepdirtyAsksForAnUpdate() {
        map.writeStart(0, 4096);
        map.bitmap();
        map.writeStart(EXT, 4096);
        map.writeStart(2 * EXT, 4096);
        map.bitmap();
        map.writeComplete(0, 4096);
        assertEquals(3 * EXT, map.dirtyBytes(), "extent 0 written, not yet flushed: it stays marked with the two in flight");
        assertTrue(flushBoth(), "extent 0 was evicted and is marked on disk: clean it");
    }

    @Test
    void aRequestSpanningExtentsMarksEachOfThem() {
        map.writeStart(EXT - 512, 1024 + EXT);
        assertEquals(3 * EXT, map.dirtyBytes());
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, map.bitmap());
    }

    @Test
    void extentsMarkedForSyncStayDirtyUntilSynchronised() {
        map.writeStart(3 * EXT, 4096);
        map.markForSync(3 * EXT, 4096);
        map.writeComplete(3 * EXT, 4096);
        assertEquals(EXT, map.dirtyBytes());
        assertEquals(3, map.nextSyncExtent(0));
        map.bitmap();
        map.syncComplete(3);
        assertEquals(-1, map.nextSyncExtent(0));
        assertEquals(EXT, map.dirtyBytes(), "the copy sits in the secondary's cache until a flush");
        flushBoth();
        assertEquals(0, map.dirtyBytes());
    }

    @Test
    void loadingADiskImageMakesEveryMarkedExtentNeedSync() {
        map.loadFrom(new byte[] {(byte) 0x81, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        assertEquals(2 * EXT, map.dirtyBytes(), "bits past the last extent are ignored");
        assertEquals(0, map.nextSyncExtent(0));
        assertEquals(7, map.nextSyncExtent(1));
        assertFalse(map.writeStart(7 * EXT, 512), "already marked on disk");
    }

    @Test
    void mergingThePeersImageAddsItsExtents() {
        map.loadFrom(new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        assertFalse(map.merge(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        assertTrue(map.merge(new byte[] {0, 2, 0, 0, 0, 0, 0, 0}));
        assertEquals(9, map.nextSyncExtent(1));
    }

    @Test
    void bitNOfTheImageIsBitNMod8OfByteNDiv8LeastSignificantFirst() {
        map.writeStart(10 * EXT, 512);
        map.writeStart(15 * EXT, 512);
        assertArrayEquals(new byte[] {0, (byte) 0x84, 0, 0, 0, 0, 0, 0}, map.bitmap());
    }

    @Test
    void theImageIsExactlyMapsizeBytesWhateverIsDirty() {
        ActiveMap wide = new ActiveMap(100 * EXT, EXT, 512, 64);
        assertEquals(512, wide.bitmap().length);
        wide.writeStart(99 * EXT, EXT);
        byte[] image = wide.bitmap();
        assertEquals(512, image.length);
        assertEquals(0x08, image[12]);
    }

    @Test
    void aWriteToAHotExtentStillMarkedOnDiskNeedsNoImageWrite() {
        map.writeStart(0, 512);
        map.writeComplete(0, 512);
        map.bitmap();
        // Extent 0 is clean in memory but still in the keepdirty list and marked on disk.
        assertFalse(map.writeStart(0, 512));
        map.writeComplete(0, 512);
    }

    @Test
    void anEvictedExtentIsWrittenAgainWhenNextTouched() {
        map.writeStart(0, 512);
        map.writeComplete(0, 512);
        map.writeStart(EXT, 512);
        map.writeComplete(EXT, 512);
        map.writeStart(2 * EXT, 512);
        map.writeComplete(2 * EXT, 512);
        flushBoth();
        map.bitmap(); // extent 0 was evicted: the image cleans it
        assertTrue(map.writeStart(0, 512));
    }

    @Test
    void anExtentWithWritesInFlightStaysDirtyUntilTheLastCompletes() {
        map.writeStart(0, 512);
        map.writeStart(1024, 512);
        map.writeComplete(0, 512);
        assertEquals(EXT, map.dirtyBytes());
        map.writeComplete(1024, 512);
        flushBoth();
        assertEquals(0, map.dirtyBytes());
    }

    @Test
    void markingForSyncOnlyAsksForAWriteWhenTheDiskLacksAMark() {
        assertTrue(map.markForSync(4 * EXT, 2 * EXT));
        map.bitmap();
        assertFalse(map.markForSync(4 * EXT, 512));
        assertTrue(map.needsSync(5 * EXT, 1));
        assertFalse(map.needsSync(6 * EXT, EXT));
    }

    @Test
    void aSyncedExtentWithAWriteInFlightStaysDirtyUntilTheWriteCompletes() {
        map.loadFrom(new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        map.writeStart(0, 512);
        map.syncComplete(0);
        assertEquals(EXT, map.dirtyBytes());
        map.writeComplete(0, 512);
        flushBoth();
        assertEquals(0, map.dirtyBytes());
        assertEquals(-1, map.nextSyncExtent(0));
    }

    @Test
    void aSyncedExtentMarkedOnDiskAsksForACleaningWrite() {
        map.loadFrom(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
        map.syncComplete(8);
        assertEquals(EXT, map.dirtyBytes(), "copied, not yet flushed on the secondary");
        assertTrue(flushBoth());
        assertArrayEquals(new byte[8], map.bitmap());
    }

    @Test
    void aFlushCoversOnlyTheWritesFinishedBeforeItBegan() {
        map.writeStart(0, 512);
        map.writeStart(EXT, 512);
        map.writeComplete(0, 512);
        long epoch = map.flushBegins();
        map.writeComplete(EXT, 512);
        map.flushed(epoch);
        assertEquals(EXT, map.dirtyBytes(), "extent 1 finished after the flush began: it may not be durable");
        assertTrue(map.hasUnflushed());
        flushBoth();
        assertFalse(map.hasUnflushed());
        assertEquals(0, map.dirtyBytes());
    }

    @Test
    void anExtentWrittenAgainDuringAFlushStaysDirty() {
        map.writeStart(0, 512);
        map.writeComplete(0, 512);
        long epoch = map.flushBegins();
        map.writeStart(0, 512);
        map.flushed(epoch);
        assertEquals(EXT, map.dirtyBytes(), "a write is in flight");
        map.writeComplete(0, 512);
        assertEquals(EXT, map.dirtyBytes(), "and it finished after that flush began");
    }

    @Test
    void unflushedExtentsWaitForSyncWhenTheSecondaryIsLost() {
        map.writeStart(2 * EXT, 512);
        map.writeComplete(2 * EXT, 512);
        map.bitmap();
        assertFalse(map.unflushedForSync(), "already marked on disk");
        assertEquals(2, map.nextSyncExtent(0));
        assertFalse(map.hasUnflushed());
        flushBoth();
        assertEquals(EXT, map.dirtyBytes(), "a later flush does not clean what must be copied");
    }

    @Test
    void afterALostImageWriteEveryDirtyExtentNeedsAnotherWrite() {
        map.writeStart(0, 512);
        map.bitmap();
        map.diskImageLost();
        assertTrue(map.writeStart(0, 512));
    }

    @Test
    void refusesRangesOutsideTheDataAndUnbalancedCompletion() {
        assertThrows(IllegalArgumentException.class, () -> map.writeStart(16 * EXT, 1));
        assertThrows(IllegalArgumentException.class, () -> map.writeStart(16 * EXT, 0));
        assertThrows(IllegalArgumentException.class, () -> map.writeStart(15 * EXT, EXT + 1));
        assertThrows(IllegalArgumentException.class, () -> map.writeStart(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> map.writeStart(EXT, Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> map.writeComplete(0, 1));
        assertThrows(IllegalArgumentException.class, () -> map.syncComplete(16));
        assertThrows(IllegalArgumentException.class, () -> map.nextSyncExtent(-1));
        assertTrue(map.writeStart(15 * EXT, EXT), "the last whole extent is inside and not yet marked");
    }

    @Test
    void refusesImpossibleGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new ActiveMap(16 * EXT, 3 * EXT, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> new ActiveMap(1024 * EXT, EXT, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> new ActiveMap(16 * EXT, EXT, 8, 0));
    }
}
