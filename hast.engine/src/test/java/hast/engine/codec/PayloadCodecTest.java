package hast.engine.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;

import hast.checksum.Crc32Checksum;
import hast.checksum.Sha256Checksum;
import hast.compress.lzf.LzfCompressor;

import org.junit.jupiter.api.Test;

/** Payloads through the real codecs: what goes on the wire, what comes back, and what is refused. */
class PayloadCodecTest {
    private static final CodecSet EVERYTHING = new CodecSet(Set.of("none", "hole", "lzf"), Set.of("none", "crc32", "sha256"));
    private final Codecs codecs = new Codecs();
    private final LzfCompressor lzf = new LzfCompressor();
    private final Sha256Checksum sha256 = new Sha256Checksum();
    private String compression = "none";
    private String checksum = "none";
    private final PayloadCodec codec = new PayloadCodec("r0", codecs, () -> new CodecChoice(compression, checksum));

    PayloadCodecTest() {
        codecs.addCompressor("lzf", lzf);
        codecs.addChecksum("sha256", sha256);
        codecs.addChecksum("crc32", new Crc32Checksum());
    }

    private static ByteBuffer text(int size) {
        byte[] b = new byte[size];
        byte[] line = "every replicated block is checked before it is written\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return ByteBuffer.wrap(b);
    }

    private static ByteBuffer random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void plainDataTravelsAsItIsWithoutABlock() throws Exception {
        ByteBuffer data = random(4096);
        PayloadCodec.Encoded e = codec.encode(data, EVERYTHING);
        assertFalse(e.encoded());
        assertTrue(e.payload() == data);
        assertEquals(4096, codec.plainBytes());
        assertEquals(4096, codec.wireBytes());
    }

    @Test
    void anAllZeroBlockTravelsAsItsLengthWheneverCompressionIsOn() throws Exception {
        for (String c : new String[] {"hole", "lzf"}) {
            compression = c;
            PayloadCodec.Encoded e = codec.encode(ByteBuffer.allocate(1 << 20), EVERYTHING);
            assertTrue(e.encoded());
            assertTrue(e.payload().remaining() < 16, c + ": " + e.payload().remaining() + " bytes on the wire");
            ByteBuffer decoded = codec.decode(e.payload(), 1 << 20, "WRITE at 0");
            assertEquals(ByteBuffer.allocate(1 << 20), decoded);
            // A view of shared zeroes, not a fresh megabyte of heap per hole (an initial
            // synchronisation of an empty disk is all holes); read-only, so nobody can dirty it.
            assertTrue(decoded.isDirect() && decoded.isReadOnly(), decoded.toString());
        }
        compression = "none";
        assertFalse(codec.encode(ByteBuffer.allocate(4096), EVERYTHING).encoded(), "none means none");
    }

    @Test
    void lzfAndSha256RoundTripAndTheDigestCoversTheCompressedBytes() throws Exception {
        compression = "lzf";
        checksum = "sha256";
        ByteBuffer data = text(65536);
        PayloadCodec.Encoded e = codec.encode(data, EVERYTHING);
        assertTrue(e.encoded());
        assertTrue(e.payload().remaining() < 65536 / 4, e.payload().remaining() + " bytes for 64 KiB of text");
        assertEquals(text(65536), codec.decode(e.payload(), 65536, "WRITE at 0"));
        assertEquals(65536, codec.plainBytes());
        assertEquals(e.payload().remaining(), codec.wireBytes());
        // Incompressible data still carries its digest.
        PayloadCodec.Encoded r = codec.encode(random(8192), EVERYTHING);
        assertTrue(r.encoded());
        assertEquals(random(8192), codec.decode(r.payload(), 8192, "WRITE at 0"));
    }

    @Test
    void aDamagedPayloadIsRefusedCountedAndNamedWithItsResourceAndRequest() throws Exception {
        checksum = "crc32";
        for (String c : new String[] {"none", "lzf"}) {
            compression = c;
            PayloadCodec.Encoded e = codec.encode(text(8192), EVERYTHING);
            ByteBuffer wire = e.payload();
            int last = wire.limit() - 1;
            wire.put(last, (byte) (wire.get(last) ^ 0x40));
            PayloadCodec.DamagedPayloadException x = assertThrows(PayloadCodec.DamagedPayloadException.class,
                    () -> codec.decode(wire, 8192, "WRITE at 1048576"));
            assertEquals("[r0] WRITE at 1048576 arrived damaged: its crc32 digest does not match; not used.", x.getMessage());
        }
        assertEquals(2, codec.damaged());
    }

    @Test
    void malformedBlocksAreDamagedToo() throws Exception {
        compression = "lzf";
        PayloadCodec.Encoded e = codec.encode(text(8192), EVERYTHING);
        ByteBuffer cut = e.payload().duplicate().limit(3);
        assertThrows(PayloadCodec.DamagedPayloadException.class, () -> codec.decode(cut, 8192, "WRITE at 0"));
        assertThrows(PayloadCodec.DamagedPayloadException.class, () -> codec.decode(e.payload(), 4096, "WRITE at 0"),
                "a block announcing another length than the request's");
        // With no checksum to catch it first, lzf data cut short by a byte does not decode.
        byte[] wire = new byte[e.payload().remaining() - 1];
        e.payload().duplicate().get(wire);
        assertThrows(PayloadCodec.DamagedPayloadException.class,
                () -> codec.decode(ByteBuffer.wrap(wire), 8192, "WRITE at 0"));
        assertEquals(3, codec.damaged());
    }

    @Test
    void aMissingCompressorMeansUncompressedDataAWarningAndACountUntilItReturns() throws Exception {
        compression = "lzf";
        codecs.removeCompressor(lzf);
        PayloadCodec.Encoded e = codec.encode(text(8192), EVERYTHING);
        assertFalse(e.encoded(), "uncompressed, and with no checksum no block either");
        assertEquals(1, codec.fallbacks());
        assertEquals("compression lzf is not available on this node; data goes uncompressed", codec.fallback());
        codecs.addCompressor("lzf", lzf);
        assertTrue(codec.encode(text(8192), EVERYTHING).encoded());
        assertNull(codec.fallback(), "lzf resumed");
        CodecSet peerWithoutLzf = new CodecSet(Set.of("none", "hole"), Set.of("none"));
        assertFalse(codec.encode(text(8192), peerWithoutLzf).encoded());
        assertEquals("compression lzf is not available on the peer; data goes uncompressed", codec.fallback());
        assertEquals(2, codec.fallbacks());
    }

    @Test
    void aMissingChecksumStopsTheDataRatherThanSendItUnverified() {
        checksum = "sha256";
        assertNull(codec.blocker(EVERYTHING));
        codecs.removeChecksum(sha256);
        assertEquals("checksum sha256 is not available on this node", codec.blocker(null));
        PayloadCodec.ChecksumUnavailableException x = assertThrows(PayloadCodec.ChecksumUnavailableException.class,
                () -> codec.encode(text(4096), EVERYTHING));
        assertEquals("checksum sha256 is not available on this node", x.getMessage());
        codecs.addChecksum("sha256", sha256);
        assertEquals("checksum sha256 is not available on the peer", codec.blocker(CodecSet.PLAIN));
    }

    @Test
    void whatThisNodeCannotDecodeIsAnErrorButNotDamage() throws Exception {
        compression = "lzf";
        checksum = "sha256";
        PayloadCodec.Encoded e = codec.encode(text(8192), EVERYTHING);
        codecs.removeCompressor(lzf);
        IOException x = assertThrows(IOException.class, () -> codec.decode(e.payload(), 8192, "WRITE at 0"));
        assertFalse(x instanceof PayloadCodec.DamagedPayloadException);
        assertEquals("[r0] WRITE at 0: compression lzf is not available on this node", x.getMessage());
        assertEquals(0, codec.damaged());
        assertEquals(Set.of("none", "hole"), codecs.compressions());
    }

    @Test
    void codecListsRoundTripAndRefuseGarbage() throws Exception {
        assertEquals(EVERYTHING, CodecSet.decode(EVERYTHING.encode()));
        assertThrows(java.net.ProtocolException.class, () -> CodecSet.decode(ByteBuffer.wrap(new byte[] {0, 1, 9})));
        assertThrows(java.net.ProtocolException.class, () -> CodecSet.decode(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff})));
    }

    @Test
    void aLargePayloadWhoseSampleDoesNotCompressIsSentAsItIsWithoutAFullPass() throws Exception {
        compression = "lzf";
        int[] calls = {0};
        codecs.addCompressor("lzf", new hast.api.codec.Compressor() {
            @Override
            public ByteBuffer compress(ByteBuffer src) {
                calls[0]++;
                assertTrue(src.remaining() <= PayloadCodec.SAMPLE, "only the sample is tried: " + src.remaining());
                return lzf.compress(src);
            }

            @Override
            public ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException {
                return lzf.decompress(src, originalLength);
            }
        });
        assertFalse(codec.encode(random(1 << 20), EVERYTHING).encoded(), "random data goes as it is");
        assertEquals(1, calls[0]);
        codecs.addCompressor("lzf", lzf);
        PayloadCodec.Encoded text = codec.encode(text(1 << 20), EVERYTHING);
        assertTrue(text.encoded() && text.payload().remaining() < (1 << 20) / 4, "text still compresses in full");
    }
}
