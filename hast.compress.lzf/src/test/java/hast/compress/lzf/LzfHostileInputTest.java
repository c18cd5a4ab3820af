package hast.compress.lzf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Blocks from the network are hostile: every malformed one must end in an IOException, quickly. */
class LzfHostileInputTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final LzfCompressor lzf = new LzfCompressor();

    private final byte[] text = Blocks.wordSalad(16384, 42);
    private final byte[] packed = Blocks.bytes(lzf.compress(ByteBuffer.wrap(text)));

    private IOException refused(byte[] block, int originalLength) {
        return assertTimeoutPreemptively(BOUND,
                () -> assertThrows(IOException.class, () -> lzf.decompress(ByteBuffer.wrap(block), originalLength)));
    }

    @Test
    void everyTruncationIsRefused() {
        assertTimeoutPreemptively(BOUND, () -> {
            for (int cut = 0; cut < packed.length; cut++) {
                byte[] prefix = Arrays.copyOf(packed, cut);
                IOException e = assertThrows(IOException.class, () -> lzf.decompress(ByteBuffer.wrap(prefix), text.length),
                        "prefix of " + cut);
                assertTrue(e.getMessage().startsWith("lzf: "), e.getMessage());
            }
        });
    }

    @Test
    void bytesPastTheLimitAreNeverUsed() {
        // The whole valid block sits in the array, but the buffer ends one or a few bytes short.
        assertTimeoutPreemptively(BOUND, () -> {
            for (int missing = 1; missing <= 40; missing++) {
                ByteBuffer shortened = ByteBuffer.wrap(packed, 0, packed.length - missing);
                assertThrows(IOException.class, () -> lzf.decompress(shortened, text.length), missing + " missing");
            }
        });
    }

    @Test
    void aTruncatedLiteralRunSaysSo() {
        assertTrue(refused(new byte[] {5, 'a', 'b'}, 6).getMessage().contains("literal run of 6 bytes"));
    }

    @Test
    void flippedBytesNeverEscapeAsAnythingButIOException() {
        assertTimeoutPreemptively(BOUND, () -> {
            int refusedCount = 0;
            for (long seed = 0; seed < 3000; seed++) {
                Random r = new Random(seed);
                byte[] damaged = packed.clone();
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    damaged[r.nextInt(damaged.length)] ^= (byte) (1 + r.nextInt(255));
                }
                try {
                    ByteBuffer out = lzf.decompress(ByteBuffer.wrap(damaged), text.length);
                    // A flip inside a literal run is still a valid block, of other bytes.
                    assertEquals(text.length, out.remaining(), "seed " + seed);
                } catch (IOException expected) {
                    refusedCount++;
                }
            }
            assertTrue(refusedCount > 1000, refusedCount + " of 3000 damaged blocks refused");
        });
    }

    @Test
    void randomGarbageIsRefusedOrDecodesToExactlyTheLengthAsked() {
        assertTimeoutPreemptively(BOUND, () -> {
            for (long seed = 0; seed < 5000; seed++) {
                Random r = new Random(seed);
                byte[] garbage = Blocks.random(1 + r.nextInt(300), seed);
                int originalLength = r.nextInt(4000);
                try {
                    assertEquals(originalLength, lzf.decompress(ByteBuffer.wrap(garbage), originalLength).remaining());
                } catch (IOException expected) {
                    assertTrue(expected.getMessage().startsWith("lzf: "));
                }
            }
        });
    }

    @Test
    void aWrongOriginalLengthIsRefused() {
        refused(packed, text.length - 1);
        refused(packed, text.length - 1000);
        refused(packed, 1);
        refused(packed, text.length + 1);
        refused(packed, text.length * 2);
        assertTrue(refused(packed, 0).getMessage().contains("trailing data"));
    }

    @Test
    void negativeAndImpossibleLengthsAreRefusedBeforeAnyAllocation() {
        assertTrue(refused(packed, -1).getMessage().contains("-1"));
        refused(packed, Integer.MIN_VALUE);
        // More than 88 times the input cannot be a valid block: refused without a 2 GiB allocation.
        assertTrue(refused(packed, Integer.MAX_VALUE).getMessage().contains("cannot come from"));
        refused(new byte[0], 1);
        refused(new byte[] {0}, 0);
    }

    @Test
    void aBackReferenceBeforeTheStartOfTheOutputIsRefused() {
        // A match of 3 bytes, 6 bytes back, as the very first token.
        IOException first = refused(new byte[] {0x20, 0x05}, 3);
        assertTrue(first.getMessage().contains("before the start"), first.getMessage());
        // Two literals, then a match reaching 3 back: one byte before the start.
        refused(new byte[] {0x01, 'a', 'b', 0x20, 0x02}, 5);
        // The farthest reach, 8192 back, after only 32 bytes.
        byte[] far = new byte[36];
        far[0] = 31;
        far[33] = (byte) 0xff;
        far[34] = (byte) 0xff;
        far[35] = (byte) 0xff;
        refused(far, 32 + 264);
    }

    @Test
    void aBackReferenceOverrunningTheOutputIsRefused() {
        // 'a', then a 9-byte match one back: 10 bytes, but only 4 expected.
        assertTrue(refused(new byte[] {0x00, 'a', (byte) 0xe0, 0x00, 0x00}, 4).getMessage().contains("runs past"));
    }

    @Test
    void aLongMatchWithoutItsLengthOrOffsetByteIsRefused() {
        refused(new byte[] {0x00, 'a', (byte) 0xe0}, 20);
        refused(new byte[] {0x00, 'a', (byte) 0xe0, 0x05}, 20);
        refused(new byte[] {0x00, 'a', 0x20}, 4);
    }

    @Test
    void trailingGarbageIsRefused() {
        byte[] longer = Arrays.copyOf(packed, packed.length + 1);
        assertTrue(refused(longer, text.length).getMessage().contains("trailing data"));
        refused(new byte[] {0x00, 'a', 0x00}, 1);
    }

    @Test
    void aValidHandMadeBlockDecodes() throws IOException {
        // "ab", then an overlapping match of 8 bytes 2 back: "ababababab".
        byte[] block = {0x01, 'a', 'b', (byte) 0xc0, 0x01};
        assertArrayEquals("ababababab".getBytes(StandardCharsets.US_ASCII),
                Blocks.bytes(lzf.decompress(ByteBuffer.wrap(block), 10)));
    }

    @Test
    void hostileInputInADirectBufferIsRefusedToo() {
        assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class,
                () -> lzf.decompress(Blocks.direct(new byte[] {0x20, 0x05}), 3)));
    }
}
