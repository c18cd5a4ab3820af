package hast.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import hast.engine.metadata.Metadata;
import hast.engine.metadata.MetadataStore;
import hast.engine.metadata.ProviderLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProviderTest {
    @TempDir
    Path dir;

    private Path disk(long size) throws IOException {
        Path p = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void readsWritesTrimsAndFlushesARegularFile() throws Exception {
        Path p = disk(1 << 20);
        try (FileProvider fp = FileProvider.open(p, false)) {
            assertEquals(1 << 20, fp.size());
            assertEquals(512, fp.sectorSize());
            byte[] data = new byte[8192];
            java.util.Arrays.fill(data, (byte) 0x5a);
            fp.write(ByteBuffer.wrap(data), 4096);
            fp.flush();
            ByteBuffer back = ByteBuffer.allocate(8192);
            fp.read(back, 4096);
            assertArrayEquals(data, back.array());
            fp.delete(4096, 4096);
            ByteBuffer trimmed = ByteBuffer.allocate(8192);
            fp.read(trimmed, 4096);
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOf(trimmed.array(), 4096));
            assertEquals(0x5a, trimmed.get(4096));
            assertThrows(EOFException.class, () -> fp.read(ByteBuffer.allocate(10), (1 << 20) - 5));
        }
        byte[] raw = Files.readAllBytes(p);
        assertEquals(0x5a, raw[8192]);
    }

    @Test
    void aSecondReadWriteOpenIsRefusedWhileTheFirstHoldsIt() throws Exception {
        Path p = disk(4096);
        try (FileProvider first = FileProvider.open(p, false)) {
            IOException e = assertThrows(IOException.class, () -> FileProvider.open(p, false));
            assertEquals(p + " is in use by another process", e.getMessage());
            try (FileProvider reader = FileProvider.open(p, true)) {
                assertEquals(4096, reader.size());
            }
        }
        FileProvider.open(p, false).close();
    }

    @Test
    void clearErrorsForMissingPathsAndDirectories() {
        IOException missing = assertThrows(IOException.class, () -> FileProvider.open(dir.resolve("nope"), false));
        assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("no such file"), missing.getMessage());
        IOException directory = assertThrows(IOException.class, () -> FileProvider.open(dir, false));
        assertEquals(dir + " is neither a regular file nor a block device", directory.getMessage());
    }

    @Test
    void metadataStoreInitialisesReadsAndChecksOwnership() throws Exception {
        Path p = disk(64 << 20);
        Files.write(p, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.WRITE);
        try (FileProvider fp = FileProvider.open(p, false)) {
            ProviderLayout layout = ProviderLayout.of(fp.size(), 2 << 20, fp.sectorSize());
            Metadata md = MetadataStore.initialise(fp, "r0", layout, 64);
            assertEquals(md, MetadataStore.read(fp, "r0"));
            assertEquals(0, md.resuid());
            hast.api.HastException e = assertThrows(hast.api.HastException.class, () -> MetadataStore.read(fp, "other"));
            assertEquals("Provider " + p + " is not part of resource other.", e.getMessage());
            ByteBuffer map = ByteBuffer.allocate((int) layout.mapsize());
            fp.read(map, ProviderLayout.METADATA_SIZE);
            assertArrayEquals(new byte[(int) layout.mapsize()], map.array(), "a clean activemap");
        }
    }
}
