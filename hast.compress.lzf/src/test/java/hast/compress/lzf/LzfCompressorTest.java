package hast.compress.lzf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import hast.api.codec.Compressor;
import hast.testkit.Buffers;
import hast.testkit.CompressorContract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LZF's own choices and compatibility, on top of the contract every compressor passes. */
class LzfCompressorTest extends CompressorContract {
    private static final int[] SIZES = {0, 1, 7, 16, 1023, 1024, 1025, 1100, 2048, 4095, 4096, 4097, 8191, 10007,
        65535, 65536, 65537, 100003, 1 << 20, (1 << 20) + 3};

    private final LzfCompressor lzf = new LzfCompressor();

    @Override
    protected Compressor compressor() {
        return new LzfCompressor();
    }

    enum Kind {
        RANDOM(n -> Blocks.random(n, n)), ZEROS(Blocks::zeros), REPEATED_TEXT(Blocks::repeatedText),
        WORD_SALAD(n -> Blocks.wordSalad(n, n));

        final Function<Integer, byte[]> make;

        Kind(Function<Integer, byte[]> make) {
            this.make = make;
        }
    }

    static Stream<Arguments> everyKindSizeAndBuffer() {
        return Stream.of(Kind.values()).flatMap(k -> IntStream.of(SIZES).boxed()
                .flatMap(n -> Stream.of(Buffers.values()).map(b -> Arguments.of(k, n, b))));
    }

    @ParameterizedTest(name = "{0} {1} bytes {2}")
    @MethodSource("everyKindSizeAndBuffer")
    void roundTripsAndKeepsOnlyWorthwhileResults(Kind kind, int size, Buffers buffer) throws IOException {
        byte[] data = kind.make.apply(size);
        ByteBuffer src = buffer.wrap(data);
        int position = src.position();
        int limit = src.limit();

        ByteBuffer packed = lzf.compress(src);

        assertEquals(position, src.position(), "compress must not move the position");
        assertEquals(limit, src.limit());
        boolean worthwhile = kind != Kind.RANDOM && size >= 4096;
        if (size <= LzfCompressor.MIN_SAVING || kind == Kind.RANDOM) {
            assertNull(packed, "nothing to gain, so the data travels as it is");
            return;
        }
        if (worthwhile) {
            assertNotNull(packed, "compressible data of " + size + " bytes must compress");
        }
        if (packed == null) {
            return;
        }
        assertTrue(packed.remaining() <= size - LzfCompressor.MIN_SAVING,
                () -> packed.remaining() + " bytes kept for " + size);
        byte[] wire = Blocks.bytes(packed);
        assertArrayEquals(data, ReferenceLzf.decode(wire, size), "an independent decoder agrees");
        for (Buffers in : Buffers.values()) {
            ByteBuffer received = in.wrap(wire);
            int before = received.position();
            ByteBuffer restored = lzf.decompress(received, size);
            assertEquals(before, received.position(), "decompress must not move the position");
            assertEquals(size, restored.remaining());
            assertArrayEquals(data, Blocks.bytes(restored), "round trip through " + in);
        }
    }

    @Test
    void buffersOf1024BytesOrLessAreNeverCompressed() {
        assertNull(lzf.compress(ByteBuffer.wrap(Blocks.zeros(1024))));
        assertNull(lzf.compress(ByteBuffer.wrap(Blocks.repeatedText(1000))));
    }

    @Test
    void aResultMustSave1024BytesToBeKept() {
        // 1025 zero bytes encode to about 15 bytes, more than the 1 byte that would save 1024.
        assertNull(lzf.compress(ByteBuffer.wrap(Blocks.zeros(1025))));
        ByteBuffer packed = lzf.compress(ByteBuffer.wrap(Blocks.zeros(1100)));
        assertNotNull(packed);
        assertTrue(packed.remaining() <= 76);
    }

    @Test
    void incompressibleDataTravelsUncompressedAtEverySize() {
        for (int size : new int[] {1025, 4096, 65536, 1 << 20}) {
            assertNull(lzf.compress(ByteBuffer.wrap(Blocks.random(size, 7 * size))), size + " bytes");
        }
    }

    @Test
    void halfRandomBlockIsKeptWhenItSavesEnough() throws IOException {
        byte[] data = Blocks.random(65536, 3);
        System.arraycopy(Blocks.repeatedText(32768), 0, data, 0, 32768);
        ByteBuffer packed = lzf.compress(ByteBuffer.wrap(data));
        assertNotNull(packed);
        assertArrayEquals(data, Blocks.bytes(lzf.decompress(packed, data.length)));
    }

    @Test
    void theResultOwnsItsBytes() throws IOException {
        byte[] first = Blocks.repeatedText(8192);
        ByteBuffer a = lzf.compress(ByteBuffer.wrap(first));
        byte[] aBytes = Blocks.bytes(a);
        lzf.compress(ByteBuffer.wrap(Blocks.wordSalad(65536, 1)));   // reuses the pooled encoder
        assertArrayEquals(aBytes, Blocks.bytes(a));
        assertEquals(0, a.position());
        assertArrayEquals(first, Blocks.bytes(lzf.decompress(a, first.length)));
    }

    @Test
    void decodesWhatLiblzfProduces() throws IOException {
        // lzf_compress() of liblzf 3.6 (Debian's liblzf1), the library hastd's own lzf.c comes from.
        byte[] block = HexFormat.of().parseHex("1d48415354207265706c6963617465732065766572792077726974652e"
                + "2048e00c1c04666c757368e00f1c107472696d2e20546865207365636f6e6461204d0373746f72e0055a002ca067604a0320"
                + "616e64a00f203d016d2e");
        String text = "HAST replicates every write. HAST replicates every flush. HAST replicates every trim. "
                + "The secondary stores every write, every flush and every trim.";
        ByteBuffer restored = lzf.decompress(ByteBuffer.wrap(block), text.length());
        assertEquals(text, StandardCharsets.US_ASCII.decode(restored).toString());
    }

    @Test
    void emptyBlockDecodesToNothing() throws IOException {
        assertEquals(0, lzf.decompress(ByteBuffer.allocate(0), 0).remaining());
    }
}
