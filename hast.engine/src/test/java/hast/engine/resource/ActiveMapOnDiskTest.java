package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.BitSet;

import hast.api.Role;
import hast.engine.metadata.ProviderLayout;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the primary's activemap on disk holds once extents became clean: what a crash of the
 * primary makes the next synchronisation copy.
 */
class ActiveMapOnDiskTest {
    private static final int EXTENT = EnginePair.EXTENT;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    @Test
    void extentsCleanOnBothNodesLeaveTheDiskWithinASecondSoThatACrashCopiesOnlyTheKeepdirtyList() throws Exception {
        pair = new EnginePair(dir, "memsync", false);
        pair.startInSync();
        // The full synchronisation marked every extent; no request needs a mark to undo that.
        EnginePair.await("alpha's activemap on disk clean after the first synchronisation",
                () -> markedOnDisk(pair.alpha).isEmpty());

        // More extents than the keepdirty list holds (4), each written once, then flushed on both.
        byte[] block = new byte[64 * 1024];
        for (int e = 0; e < 10; e++) {
            block[0] = (byte) e;
            EnginePair.done(pair.alpha.write((long) e * EXTENT, block, false));
        }
        EnginePair.done(pair.alpha.flush());
        BitSet kept = new BitSet();
        kept.set(6, 10);
        EnginePair.await("only the keepdirty list marked on disk", () -> markedOnDisk(pair.alpha).equals(kept));

        // What the restarted primary loads and copies: those four extents, not the device.
        pair.alpha.powerCut();
        assertEquals(kept, markedOnDisk(pair.alpha));
        pair.alpha.boot();
        pair.alpha.role(Role.PRIMARY);
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(pair.alpha.data(), pair.beta.data());
    }

    /** The extents marked in a node's on-disk activemap (durable: read from its file). */
    private static BitSet markedOnDisk(EnginePair.Engine node) {
        byte[] image = new byte[(int) (node.localoff() - ProviderLayout.METADATA_SIZE)];
        try (RandomAccessFile f = new RandomAccessFile(node.img.toFile(), "r")) {
            f.seek(ProviderLayout.METADATA_SIZE);
            f.readFully(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return BitSet.valueOf(image);
    }
}
