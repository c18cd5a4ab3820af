package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import hast.api.Role;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;

class MetadataCodecTest {
    private static final Metadata MD = new Metadata("café-r", 1L << 40, 2 << 20, 64, 69_632, -3L, 7, 5, Role.SECONDARY);

    @Test
    void roundTripsEveryField() throws Exception {
        ByteBuffer block = MetadataCodec.encode(MD);
        assertEquals(ProviderLayout.METADATA_SIZE, block.remaining());
        assertEquals(MD, MetadataCodec.decode(block, "/dev/x"));
    }

    @Test
    void aFlippedBitAnywhereIsCaughtByTheChecksum() throws Exception {
        for (int at : new int[] {10, 40, 70, 2000, 4091}) {
            ByteBuffer block = MetadataCodec.encode(MD);
            block.put(at, (byte) (block.get(at) ^ 0x10));
            assertRefused(block, "torn or corrupted");
        }
    }

    @Test
    void refusesEachKindOfBadBlockWithItsOwnMessage() throws Exception {
        assertRefused(ByteBuffer.allocate(4096), "No HAST metadata on /dev/x: run 'hastctl create' first.");
        ByteBuffer foreign = ByteBuffer.allocate(4096);
        foreign.put("\u007fELF".getBytes());
        assertRefused(foreign.clear(), "does not hold HAST metadata");
        ByteBuffer newer = MetadataCodec.encode(MD);
        newer.order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 2);
        assertRefused(newer, "has format 2; this version reads format 1");
        assertRefused(ByteBuffer.wrap(new byte[100]), "truncated");
    }

    @Test
    void refusesImpossibleValuesEvenWithAValidChecksum() throws Exception {
        assertRefused(MetadataCodec.encode(new Metadata("r", 1 << 20, 3 << 20, 64, 8192, 0, 0, 0, Role.INIT)),
                "extent size 3145728 is not a power of two");
        assertRefused(MetadataCodec.encode(new Metadata("r", 0, 1 << 20, 64, 8192, 0, 0, 0, Role.INIT)),
                "inconsistent");
        assertRefused(MetadataCodec.encode(new Metadata("r", 1 << 20, 1 << 20, 64, 100, 0, 0, 0, Role.INIT)),
                "inconsistent");
    }

    private static void assertRefused(ByteBuffer block, String text) {
        MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataCodec.decode(block, "/dev/x"));
        assertEquals(Sysexits.EX_DATAERR, e.status());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
