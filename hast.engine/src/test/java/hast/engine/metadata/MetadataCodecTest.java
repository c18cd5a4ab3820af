package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import hast.api.Role;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;

class MetadataCodecTest {
    private static final Metadata MD = new Metadata("café-r", 1L << 40, 2 << 20, 64, 69_632, -3L, 7, 5, Role.SECONDARY);
    /** Offsets of format 1, pinned here so that a change of layout is a deliberate one. */
    private static final int VERSION_AT = 8;
    private static final int DATASIZE_AT = 10;
    private static final int PREVROLE_AT = 58;
    private static final int NAME_LENGTH_AT = 59;
    private static final int NAME_AT = 61;
    private static final int CRC_AT = 4092;

    @Test
    void roundTripsEveryField() throws Exception {
        for (Role role : Role.values()) {
            Metadata md = MD.withPrevrole(role);
            ByteBuffer block = MetadataCodec.encode(md);
            assertEquals(ProviderLayout.METADATA_SIZE, block.remaining());
            assertEquals(md, MetadataCodec.decode(block, "/dev/x"));
        }
    }

    @Test
    void theBlockHasTheDocumentedLittleEndianLayout() {
        ByteBuffer block = MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = block.array();
        assertArrayEquals("HASTJMD\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(raw, 8));
        assertEquals(1, block.getShort(VERSION_AT));
        assertEquals(1L << 40, block.getLong(DATASIZE_AT));
        assertEquals(2, block.get(PREVROLE_AT), "prevrole codes are fixed: init 0, primary 1, secondary 2");
        byte[] name = "café-r".getBytes(StandardCharsets.UTF_8);
        assertEquals(name.length, block.getShort(NAME_LENGTH_AT));
        assertArrayEquals(name, Arrays.copyOfRange(raw, NAME_AT, NAME_AT + name.length));
        assertArrayEquals(new byte[CRC_AT - NAME_AT - name.length], Arrays.copyOfRange(raw, NAME_AT + name.length, CRC_AT),
                "zero padding");
        assertEquals(crc(raw), block.getInt(CRC_AT));
    }

    @Test
    void aFlippedBitAnywhereIsCaughtByTheChecksum() {
        for (int at : new int[] {DATASIZE_AT, 40, 70, 2000, CRC_AT, 4095}) {
            ByteBuffer block = MetadataCodec.encode(MD);
            block.put(at, (byte) (block.get(at) ^ 0x10));
            assertRefused(block, "Metadata on /dev/x is torn or corrupted (checksum mismatch).");
        }
    }

    @Test
    void anAllZeroBlockMeansCreateWasNeverRun() {
        assertRefused(ByteBuffer.allocate(4096), "No HAST metadata on /dev/x: run 'hastctl create' first.");
    }

    @Test
    void foreignDataIsNotMistakenForCorruptMetadata() {
        ByteBuffer foreign = ByteBuffer.allocate(4096);
        foreign.put("\u007fELF".getBytes(StandardCharsets.US_ASCII));
        assertRefused(foreign.clear(), "/dev/x does not hold HAST metadata (foreign data or another format);"
                + " 'hastctl create' would overwrite it.");
    }

    @Test
    void aNewerFormatIsRefusedNamingBothVersions() {
        ByteBuffer newer = MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN);
        newer.putShort(VERSION_AT, (short) 2);
        assertRefused(newer, "Metadata on /dev/x has format 2; this version reads format 1.");
    }

    @Test
    void aTruncatedBlockIsRefused() {
        ByteBuffer whole = MetadataCodec.encode(MD);
        assertRefused(whole.limit(4095), "Metadata on /dev/x is truncated (4095 bytes).");
    }

    @Test
    void refusesImpossibleValuesEvenWithAValidChecksum() {
        assertRefused(encode("r", 1 << 20, 3 << 20, 64, 8192), "inconsistent: extent size 3145728 is not a power of two.");
        assertRefused(encode("r", 0, 1 << 20, 64, 8192), "inconsistent: data size 0 is impossible.");
        assertRefused(encode("r", Long.MAX_VALUE - 100, 1 << 20, 64, 8192), "data size");
        assertRefused(encode("r", 1 << 20, 1 << 20, 64, 100), "inconsistent: data offset 100 lies inside the metadata block.");
        assertRefused(encode("r", 1 << 20, 1 << 20, 0, 8192), "inconsistent: keepdirty 0 is not positive.");
        // 4096 bitmap bytes hold 32768 extents; one more does not fit.
        assertRefused(encode("r", (32_768L << 20) + 1, 1 << 20, 64, 8192),
                "inconsistent: an activemap of 4096 bytes cannot cover 32769 extents.");
    }

    @Test
    void refusesAnUnknownPrevroleAndBadNameLengths() {
        ByteBuffer role = MetadataCodec.encode(MD);
        role.put(PREVROLE_AT, (byte) 3);
        assertRefused(resealed(role), "Metadata on /dev/x is inconsistent: unknown prevrole 3.");
        ByteBuffer empty = MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN);
        empty.putShort(NAME_LENGTH_AT, (short) 0);
        assertRefused(resealed(empty), "inconsistent: resource name of 0 bytes.");
        ByteBuffer tooLong = MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN);
        tooLong.putShort(NAME_LENGTH_AT, (short) 256);
        assertRefused(resealed(tooLong), "inconsistent: resource name of 256 bytes.");
        // Read leniently, 0xff would become U+FFFD: three bytes that encode() cannot fit back.
        ByteBuffer notUtf8 = MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN);
        notUtf8.put(NAME_AT, (byte) 0xff);
        assertRefused(resealed(notUtf8), "inconsistent: the resource name is not UTF-8.");
    }

    @Test
    void encodingRefusesNamesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> MetadataCodec.encode(
                new Metadata("", 1 << 20, 1 << 20, 64, 8192, 0, 0, 0, Role.INIT)));
        MetadataCodec.encode(new Metadata("é".repeat(127), 1 << 20, 1 << 20, 64, 8192, 0, 0, 0, Role.INIT));
        assertThrows(IllegalArgumentException.class, () -> MetadataCodec.encode(
                new Metadata("é".repeat(128), 1 << 20, 1 << 20, 64, 8192, 0, 0, 0, Role.INIT)));
    }

    private static ByteBuffer encode(String name, long datasize, int extentsize, int keepdirty, long localoff) {
        return MetadataCodec.encode(new Metadata(name, datasize, extentsize, keepdirty, localoff, 0, 0, 0, Role.INIT));
    }

    /** A block edited after encoding, with a checksum that matches again: only the value checks can catch it. */
    private static ByteBuffer resealed(ByteBuffer block) {
        return block.order(ByteOrder.LITTLE_ENDIAN).putInt(CRC_AT, crc(block.array()));
    }

    private static int crc(byte[] raw) {
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, CRC_AT);
        return (int) crc.getValue();
    }

    private static void assertRefused(ByteBuffer block, String text) {
        MetadataFormatException e = assertThrows(MetadataFormatException.class, () -> MetadataCodec.decode(block, "/dev/x"));
        assertEquals(Sysexits.EX_DATAERR, e.status());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
