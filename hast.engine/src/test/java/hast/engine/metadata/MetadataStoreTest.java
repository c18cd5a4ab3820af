package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.engine.local.FileProvider;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private Path disk;

    @BeforeEach
    void garbageDisk() throws IOException {
        disk = dir.resolve("disk.img");
        byte[] garbage = new byte[(int) (8 * MIB)];
        Arrays.fill(garbage, (byte) 0xa5);
        Files.write(disk, garbage);
    }

    private ProviderLayout layoutOf(FileProvider fp) throws Exception {
        return ProviderLayout.forProvider(fp.path(), fp.size(), 0, 2 * MIB, fp.sectorSize());
    }

    @Test
    void createWritesFreshMetadataAndACleanActivemapOverOldData() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            ProviderLayout layout = layoutOf(fp);
            Metadata md = MetadataStore.initialise(fp, "r0", layout, 64);
            assertEquals(new Metadata("r0", 8 * MIB - 8192, (int) (2 * MIB), 64, 8192, 0, 0, 0, Role.INIT), md);
            assertEquals(md, MetadataStore.read(fp, "r0"));
            ByteBuffer map = ByteBuffer.allocate((int) layout.mapsize());
            fp.read(map, ProviderLayout.METADATA_SIZE);
            assertArrayEquals(new byte[(int) layout.mapsize()], map.array(), "a clean activemap");
            ByteBuffer firstData = ByteBuffer.allocate(1);
            fp.read(firstData, layout.localoff());
            assertEquals((byte) 0xa5, firstData.get(0), "user data is left alone");
        }
    }

    @Test
    void writtenChangesAreReadBackByANewOpen() throws Exception {
        Metadata changed;
        try (FileProvider fp = FileProvider.open(disk, false)) {
            Metadata md = MetadataStore.initialise(fp, "r0", layoutOf(fp), 64);
            changed = md.withResuid(0x1234_5678_9abc_def0L).withCounters(3, 2).withPrevrole(Role.PRIMARY);
            MetadataStore.write(fp, changed);
        }
        try (FileProvider reader = FileProvider.open(disk, true)) {
            assertEquals(changed, MetadataStore.read(reader, "r0"));
        }
    }

    @Test
    void aProviderOfAnotherResourceIsRefusedWithTheReferenceMessage() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            MetadataStore.initialise(fp, "r0", layoutOf(fp), 64);
            HastException e = assertThrows(HastException.class, () -> MetadataStore.read(fp, "other"));
            assertEquals("Provider " + disk + " is not part of resource other.", e.getMessage());
            assertEquals(Sysexits.EX_DATAERR, e.status());
        }
    }

    @Test
    void aProviderShrunkBelowItsLayoutIsRefused() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            MetadataStore.initialise(fp, "r0", layoutOf(fp), 64);
        }
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(4 * MIB);
        }
        try (FileProvider fp = FileProvider.open(disk, true)) {
            MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataStore.read(fp, "r0"));
            assertEquals("Metadata on " + disk + " describe " + 8 * MIB + " bytes, but the provider has only "
                    + 4 * MIB + ".", e.getMessage());
        }
    }

    @Test
    void aProviderSmallerThanTheMetadataBlockIsRefused() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1000);
        }
        try (FileProvider fp = FileProvider.open(disk, true)) {
            MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataStore.read(fp, "r0"));
            assertEquals("Provider " + disk + " is too small to hold HAST metadata.", e.getMessage());
        }
    }

    @Test
    void garbageIsReportedAsForeignData() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, true)) {
            MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataStore.read(fp, "r0"));
            assertEquals(disk + " does not hold HAST metadata (foreign data or another format);"
                    + " 'hastctl create' would overwrite it.", e.getMessage());
        }
    }

    @Test
    void aLayoutLargerThanTheProviderIsNotWritten() throws Exception {
        try (FileProvider fp = FileProvider.open(disk, false)) {
            ProviderLayout tooLarge = ProviderLayout.of(16 * MIB, 2 * MIB, 512);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetadataStore.initialise(fp, "r0", tooLarge, 64));
            assertEquals("Layout of " + 16 * MIB + " bytes does not fit provider " + disk + " of " + 8 * MIB
                    + " bytes", e.getMessage());
        }
        assertEquals((byte) 0xa5, Files.readAllBytes(disk)[0], "nothing was written");
    }
}
