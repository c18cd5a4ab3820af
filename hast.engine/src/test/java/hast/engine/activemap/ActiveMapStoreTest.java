package hast.engine.activemap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    @Test
    void aMarkRewritesOnlyThePagesFromTheFirstToTheLastThatChanged() throws Exception {
        // 64 MiB in 512-byte extents: 131064 extents, a bitmap of four pages.
        Path big = dir.resolve("big.img");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(64 * MIB);
        }
        ProviderLayout l = ProviderLayout.of(64 * MIB, 512, 512);
        assertEquals(4 * 4096, l.mapsize());
        int bitsPerPage = 8 * 4096;
        try (FileProvider fp = FileProvider.open(big, false)) {
            WriteLog log = new WriteLog(fp);
            ActiveMapStore store = new ActiveMapStore(log, l, true);
            ActiveMap map = new ActiveMap(l.datasize(), l.extentsize(), store.mapsize(), 1);
            store.write(map.bitmap());
            assertEquals(List.of("4096+16384"), log.writes, "unknown at first: all of it");

            map.writeStart(2L * bitsPerPage * 512 + 512, 512);
            store.write(map.bitmap());
            assertEquals("12288+4096", log.writes.get(1), "page 2 alone");

            // Keepdirty 1: the extent of page 2 leaves the list, one in page 0 and one in page 3 enter it.
            map.writeComplete(2L * bitsPerPage * 512 + 512, 512);
            map.flushed(map.flushBegins());
            map.writeStart(0, 512);
            map.writeStart(3L * bitsPerPage * 512, 512);
            byte[] image = map.bitmap();
            store.write(image);
            assertEquals("4096+16384", log.writes.get(2), "pages 0 to 3 in one write");

            store.write(image.clone());
            assertEquals(3, log.writes.size(), "an image like the one on disk is not written again");
            assertTrue(log.durable, "every write durable (metaflush)");
            assertArrayEquals(image, store.read());
        }
    }

    @Test
    void afterAFailedWriteTheWholeImageIsWrittenAgain() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            WriteLog log = new WriteLog(fp);
            ActiveMapStore store = new ActiveMapStore(log, layout, false);
            byte[] image = new byte[(int) layout.mapsize()];
            store.write(image);
            log.failing = true;
            byte[] marked = image.clone();
            marked[7] = 1;
            assertThrows(IOException.class, () -> store.write(marked));
            log.failing = false;
            // The same image as before the failure: the disk may hold either, so it is written.
            store.write(image);
            assertEquals(List.of("4096+4096", "4096+4096", "4096+4096"), log.writes);
            assertArrayEquals(image, store.read());
        }
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

    /** A provider that logs where each write went ("offset+length"), and can fail them. */
    private static final class WriteLog extends ForwardingProvider {
        final List<String> writes = new ArrayList<>();
        boolean durable = true;
        boolean failing;

        WriteLog(LocalProvider target) {
            super(target);
        }

        @Override
        public void write(ByteBuffer src, long offset) throws IOException {
            durable = false;
            log(src, offset);
            target.write(src, offset);
        }

        @Override
        public void writeDurably(ByteBuffer src, long offset) throws IOException {
            log(src, offset);
            target.writeDurably(src, offset);
        }

        private void log(ByteBuffer src, long offset) throws IOException {
            writes.add(offset + "+" + src.remaining());
            if (failing) {
                throw new IOException("injected");
            }
        }
    }
}
