package hast.engine.activemap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import hast.api.storage.LocalProvider;
import hast.engine.local.FileProvider;
import hast.engine.local.ForwardingProvider;
import hast.engine.metadata.ProviderLayout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActiveMapStoreTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private Path disk;
    private ProviderLayout layout;

    @BeforeEach
    void disk() throws Exception {
        disk = dir.resolve("disk.img");
        byte[] garbage = new byte[(int) (8 * MIB)];
        Arrays.fill(garbage, (byte) 0x33);
        Files.write(disk, garbage);
        // 8 MiB with 4 KiB extents: 2046 extents, 256 bytes rounded up to a page so data starts at 8192.
        layout = ProviderLayout.of(8 * MIB, 4096, 512);
    }

    @Test
    void theImageGoesRightAfterTheMetadataBlockAndNowhereElse() throws Exception {
        ActiveMap map = new ActiveMap(layout.datasize(), layout.extentsize(), (int) layout.mapsize(), 64);
        map.writeStart(9 * 4096, 4096);
        try (FileProvider fp = FileProvider.open(disk, false)) {
            ActiveMapStore store = new ActiveMapStore(fp, layout, false);
            assertEquals(4096, store.mapsize());
            store.write(map.bitmap());
            byte[] back = store.read();
            assertEquals(0x02, back[1]);
            assertArrayEquals(map.bitmap(), back);
        }
        byte[] raw = Files.readAllBytes(disk);
        assertEquals(0x33, raw[4095], "metadata untouched");
        assertEquals(0x02, raw[4096 + 1]);
        assertEquals(0x33, raw[4096 + 4096], "user data untouched");
    }

    @Test
    void aPrimaryStartsFromTheImageReadBack() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            ActiveMapStore store = new ActiveMapStore(fp, layout, false);
            ActiveMap before = new ActiveMap(layout.datasize(), layout.extentsize(), store.mapsize(), 64);
            before.writeStart(0, 4096);
            before.writeStart(2045 * 4096, 4096);
            store.write(before.bitmap());
            ActiveMap after = new ActiveMap(layout.datasize(), layout.extentsize(), store.mapsize(), 64);
            after.loadFrom(store.read());
            assertEquals(0, after.nextSyncExtent(0));
            assertEquals(2045, after.nextSyncExtent(1));
            assertEquals(-1, after.nextSyncExtent(2046));
        }
    }

    @Test
    void flushesOnlyWithMetaflush() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            FlushCounter counted = new FlushCounter(fp);
            byte[] image = new byte[(int) layout.mapsize()];
            new ActiveMapStore(counted, layout, false).write(image);
            assertEquals(0, counted.flushes);
            new ActiveMapStore(counted, layout, true).write(image);
            assertEquals(1, counted.flushes);
        }
    }

    @Test
    void refusesAnImageOfTheWrongSize() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            ActiveMapStore store = new ActiveMapStore(fp, layout, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.write(new byte[8]));
            assertEquals("image: 8 bytes (expected: 4096)", e.getMessage());
        }
        assertEquals(0x33, Files.readAllBytes(disk)[4096], "nothing was written");
    }

    /** A provider that counts what makes data durable (flushes and durable writes). */
    private static final class FlushCounter extends ForwardingProvider {
        int flushes;

        FlushCounter(LocalProvider target) {
            super(target);
        }

        @Override
        public void writeDurably(ByteBuffer src, long offset) throws IOException {
            flushes++;
            target.writeDurably(src, offset);
        }

        @Override
        public void flush() throws IOException {
            flushes++;
            target.flush();
        }
    }
}
