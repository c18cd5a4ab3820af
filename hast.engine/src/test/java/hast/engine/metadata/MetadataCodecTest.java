package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.Consistency;

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
        newer.putShort(VERSION_AT, (short) 4);
        assertRefused(resealed(newer), "Metadata on /dev/x has format 4; this version reads formats 1 to 3.");
    }

    @Test
    void staleExtentsRoundTripInFormat2() throws Exception {
        Metadata md = MD.withStale(List.of(0, 7, 524_287));
        assertEquals(md, MetadataCodec.decode(MetadataCodec.encode(md), "/dev/x"));
        assertEquals(List.of(), MetadataCodec.decode(MetadataCodec.encode(MD), "/dev/x").stale(),
                "format 1 has none");
    }

    @Test
    void format2PutsTheStaleExtentsRightAfterTheName() {
        ByteBuffer block = MetadataCodec.encode(MD.withStale(List.of(3, 0x01020304))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = block.array();
        int listAt = NAME_AT + "café-r".getBytes(StandardCharsets.UTF_8).length;
        assertEquals(2, block.getShort(VERSION_AT), "only a block with stale extents needs the new format");
        assertEquals(2, block.getShort(listAt));
        assertEquals(3, block.getInt(listAt + 2));
        assertEquals(0x01020304, block.getInt(listAt + 6));
        assertArrayEquals(new byte[CRC_AT - listAt - 10], Arrays.copyOfRange(raw, listAt + 10, CRC_AT), "zero padding");
        assertEquals(crc(raw), block.getInt(CRC_AT));
    }

    @Test
    void aFullListFitsBesideTheLongestName() throws Exception {
        List<Integer> stale = java.util.stream.IntStream.range(0, MetadataCodec.MAX_STALE).boxed().toList();
        Metadata md = new Metadata("r".repeat(MetadataCodec.MAX_NAME), 1L << 30, 1 << 20, 64, 8192, 0, 0, 0, Role.INIT)
                .withStale(stale);
        assertEquals(md, MetadataCodec.decode(MetadataCodec.encode(md), "/dev/x"));
        Metadata outdated = md.withConsistency(Consistency.OUTDATED);
        assertEquals(outdated, MetadataCodec.decode(MetadataCodec.encode(outdated), "/dev/x"), "and the consistency byte");
        List<Integer> tooMany = java.util.stream.IntStream.range(0, MetadataCodec.MAX_STALE + 1).boxed().toList();
        assertThrows(IllegalArgumentException.class, () -> MetadataCodec.encode(md.withStale(tooMany)));
    }

    @Test
    void refusesStaleListsThatNoWriterMakes() {
        int listAt = NAME_AT + "café-r".getBytes(StandardCharsets.UTF_8).length;
        ByteBuffer empty = MetadataCodec.encode(MD.withStale(List.of(1))).order(ByteOrder.LITTLE_ENDIAN);
        empty.putShort(listAt, (short) 0);
        assertRefused(resealed(empty), "inconsistent: 0 stale extents.");
        ByteBuffer unordered = MetadataCodec.encode(MD.withStale(List.of(5, 6))).order(ByteOrder.LITTLE_ENDIAN);
        unordered.putInt(listAt + 6, 4);
        assertRefused(resealed(unordered), "inconsistent: stale extents out of order.");
        assertRefused(MetadataCodec.encode(MD.withStale(List.of(524_288))), "inconsistent: stale extent 524288 of 524288.");
    }

    @Test
    void anInconsistentCopyRoundTripsInFormat3WithOrWithoutStaleExtents() throws Exception {
        for (Consistency c : List.of(Consistency.INCOMPLETE, Consistency.OUTDATED)) {
            for (List<Integer> stale : List.of(List.<Integer>of(), List.of(2, 9))) {
                Metadata md = MD.withStale(stale).withConsistency(c);
                ByteBuffer block = MetadataCodec.encode(md).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(3, block.getShort(VERSION_AT), c + " needs format 3");
                assertEquals(md, MetadataCodec.decode(block, "/dev/x"));
            }
        }
    }

    @Test
    void aConsistentCopyIsStillWrittenInTheFormatsAnOlderHastdReads() throws Exception {
        // Formats 1 and 2 say nothing of consistency: what they hold reads as consistent.
        assertEquals(1, MetadataCodec.encode(MD).order(ByteOrder.LITTLE_ENDIAN).getShort(VERSION_AT));
        assertEquals(2, MetadataCodec.encode(MD.withStale(List.of(1))).order(ByteOrder.LITTLE_ENDIAN)
                .getShort(VERSION_AT));
        assertEquals(Consistency.CONSISTENT, MetadataCodec.decode(MetadataCodec.encode(MD), "/dev/x").consistency());
        // Back from inconsistent: the block an older hastd refused is readable by it again.
        Metadata healed = MD.withConsistency(Consistency.INCOMPLETE).withConsistency(Consistency.CONSISTENT);
        assertEquals(1, MetadataCodec.encode(healed).order(ByteOrder.LITTLE_ENDIAN).getShort(VERSION_AT));
    }

    @Test
    void format3PutsTheConsistencyAfterTheStaleList() {
        int listAt = NAME_AT + "café-r".getBytes(StandardCharsets.UTF_8).length;
        ByteBuffer none = MetadataCodec.encode(MD.withConsistency(Consistency.INCOMPLETE)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, none.getShort(listAt), "an empty stale list");
        assertEquals(1, none.get(listAt + 2), "consistency codes are fixed: consistent 0, incomplete 1, outdated 2");
        byte[] raw = none.array();
        assertArrayEquals(new byte[CRC_AT - listAt - 3], Arrays.copyOfRange(raw, listAt + 3, CRC_AT), "zero padding");
        ByteBuffer one = MetadataCodec.encode(MD.withStale(List.of(7)).withConsistency(Consistency.OUTDATED))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, one.getShort(listAt));
        assertEquals(7, one.getInt(listAt + 2));
        assertEquals(2, one.get(listAt + 6));
    }

    @Test
    void refusesAnUnknownConsistency() {
        int at = NAME_AT + "café-r".getBytes(StandardCharsets.UTF_8).length + 2;
        ByteBuffer block = MetadataCodec.encode(MD.withConsistency(Consistency.OUTDATED));
        block.put(at, (byte) 3);
        assertRefused(resealed(block), "Metadata on /dev/x is inconsistent: unknown consistency 3.");
    }

    @Test
    void anOlderHastdRefusesAnInconsistentCopyRatherThanMisreadIt() {
        // Formats 1 and 2 were all an older hastd read: it stops at the format, with its message.
        ByteBuffer block = MetadataCodec.encode(MD.withConsistency(Consistency.INCOMPLETE)).order(ByteOrder.LITTLE_ENDIAN);
        int format = block.getShort(VERSION_AT);
        assertTrue(format != MetadataCodec.FORMAT && format != MetadataCodec.FORMAT_STALE, "format " + format);
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
