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
        "67108864, 2097152, 512, 512, 4608",     // 32 extents: one 8-byte word, one sector
        "67108864, 2097152, 4096, 4096, 8192",   // the bitmap fills whole 4K sectors
        "67108864, 65536, 512, 512, 4608",       // 1024 extents = 128 bytes
        "1073741824, 4096, 512, 32768, 36864",   // 262143 extents round up to 4096 words
    })
    void bitmapIsWholeWordsThenWholeSectors(long media, long extent, int sector, long mapsize, long localoff)
            throws Exception {
        ProviderLayout l = ProviderLayout.of(media, extent, sector);
        assertEquals(mapsize, l.mapsize());
        assertEquals(localoff, l.localoff());
        assertEquals(media - localoff, l.datasize());
        assertTrue(l.mapsize() * 8 >= l.extents());
    }

    @Test
    void defect9RefusesWhatCannotWork() {
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 3 * MIB, 512), "not a power of two");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 256, 512), "multiple of the sector size");
        assertInvalid(() -> ProviderLayout.of(64 * MIB, 2 * MIB, 768), "Sector size 768");
        assertInvalid(() -> ProviderLayout.of(2 * MIB, 2 * MIB, 512), "too small");
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
