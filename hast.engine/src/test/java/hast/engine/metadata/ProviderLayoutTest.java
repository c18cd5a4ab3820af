package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hast.api.HastException;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderLayoutTest {
    private static final long MIB = 1 << 20;

    @Test
    void theReferencesOneTebibyteExample() throws Exception {
        ProviderLayout l = ProviderLayout.of(1L << 40, 2 * MIB, 512);
        assertEquals(65_536, l.mapsize());
        assertEquals(69_632, l.localoff());
        assertEquals((1L << 40) - 69_632, l.datasize());
        assertEquals(524_288, l.extents());
    }

    @ParameterizedTest
    @CsvSource({
        // mediasize, extentsize, sector, mapsize, localoff
        "67108864, 2097152, 512, 4096, 8192",    // 32 extents: one 8-byte word, data on the next page
        "67108864, 2097152, 4096, 4096, 8192",   // the bitmap fills whole 4K sectors
        "67108864, 65536, 512, 4096, 8192",      // 1024 extents = 128 bytes
        "1073741824, 4096, 512, 32768, 36864",   // 262143 extents round up to 4096 words
        "1073741824, 1024, 512, 131072, 135168", // 1048572 extents: 131072 bytes, already page-sized
        "137438953472, 2097152, 512, 8192, 12288", // 65536 extents = 8192 bytes
    })
    void bitmapIsWholeWordsThenWholeSectorsAndDataStartsOnAPage(long media, long extent, int sector, long mapsize, long localoff)
            throws Exception {
        ProviderLayout l = ProviderLayout.of(media, extent, sector);
        assertEquals(mapsize, l.mapsize());
        assertEquals(localoff, l.localoff());
        assertEquals(media - localoff, l.datasize());
        assertTrue(l.mapsize() * 8 >= l.extents());
        assertEquals(0, l.localoff() % ProviderLayout.DATA_ALIGNMENT, "a page-sized write must not straddle two pages");
        assertEquals(0, l.localoff() % sector);
    }

    @Test
    void defect9RefusesWhatCannotWork() {
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 3 * MIB, 512), "Extent size 3145728 is not a power of two");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 256, 512),
                "Extent size 256 must be a multiple of the sector size (512).");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 4096 + 512, 512), "not a power of two");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 2 * MIB, 768), "Sector size 768 is not a power of two.");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 2 * MIB, 0), "Sector size 0 is not a power of two.");
        assertInvalid(() -> ProviderLayout.of(1L << 62, 512, 512), "choose a larger extent size");
    }

    @Test
    void theSmallestProviderHoldsMetadataBitmapAndOneExtent() throws Exception {
        long minimum = 4096 + 4096 + 2 * MIB;
        ProviderLayout l = ProviderLayout.of(minimum, 2 * MIB, 512);
        assertEquals(2 * MIB, l.datasize());
        assertEquals(1, l.extents());
        assertInvalid(() -> ProviderLayout.of(minimum - 1, 2 * MIB, 512), "Provider of " + (minimum - 1)
                + " bytes is too small: with extents of 2097152 bytes it needs at least " + minimum + " bytes");
        assertInvalid(() -> ProviderLayout.of(100, 2 * MIB, 512), "needs at least " + minimum + " bytes");
    }

    @Test
    void aRequestedMediasizeMustFitTheProvider() throws Exception {
        assertEquals(ProviderLayout.of(64 * MIB, 2 * MIB, 512),
                ProviderLayout.forProvider("/dev/x", 64 * MIB, 0, 2 * MIB, 512), "0 means the whole provider");
        assertEquals(32 * MIB, ProviderLayout.forProvider("/dev/x", 64 * MIB, 32 * MIB, 2 * MIB, 512).mediasize());
        assertEquals(64 * MIB, ProviderLayout.forProvider("/dev/x", 64 * MIB, 64 * MIB, 2 * MIB, 512).mediasize());
        assertInvalid(() -> ProviderLayout.forProvider("/dev/x", 64 * MIB, 64 * MIB + 1, 2 * MIB, 512),
                "Provided mediasize is larger than provider /dev/x size.");
        assertInvalid(() -> ProviderLayout.forProvider("/dev/x", 64 * MIB, -1, 2 * MIB, 512), "Invalid mediasize -1.");
    }

    @Test
    void defect5AStoredLayoutTakesTheBitmapFromLocaloffNotFromTheProviderSize() {
        Metadata md = new Metadata("r", 10 * MIB, (int) MIB, 64, 8192, 0, 0, 0, hast.api.Role.INIT);
        ProviderLayout l = ProviderLayout.of(md, 512);
        assertEquals(4096, l.mapsize());
        assertEquals(10 * MIB + 8192, l.mediasize());
    }

    private static void assertInvalid(org.junit.jupiter.api.function.Executable e, String text) {
        HastException x = assertThrows(HastException.class, e);
        assertEquals(Sysexits.EX_DATAERR, x.status());
        assertTrue(x.getMessage().contains(text), x.getMessage());
    }
}
