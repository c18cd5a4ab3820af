package hast.compress.lzf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Timeout;

/**
 * Raw LZF blocks as they arrive from a peer: a block decodes to exactly the announced length or
 * fails with an {@link IOException} naming the problem, without allocating more than the block
 * could expand to; and whatever the compressor makes of the same bytes decodes back to them.
 */
@Timeout(10)
class LzfFuzzTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final LzfCompressor lzf = new LzfCompressor();

    /** Bytes 0 to 2: the announced original length (big-endian); the rest is the block. */
    @FuzzTest
    void decompress(byte[] input) throws IOException {
        if (input.length < 3) {
            return;
        }
        int announced = (Byte.toUnsignedInt(input[0]) << 16) | (Byte.toUnsignedInt(input[1]) << 8)
                | Byte.toUnsignedInt(input[2]);
        ByteBuffer block = ByteBuffer.wrap(input, 3, input.length - 3).slice();
        // What the block could expand to, and the decoder's own needs.
        long limit = (64 << 10) + (long) LzfBlockValidator.MAX_EXPANSION * input.length;
        long used = decodeAllocating(block, announced);
        if (used > limit) {
            // Once more, so that classes loaded on the first way through a path do not count.
            used = decodeAllocating(block, announced);
        }
        if (used > limit) {
            Assertions.fail("lzf allocated " + used + " bytes for " + input.length + " bytes of input");
        }
        ByteBuffer packed = lzf.compress(ByteBuffer.wrap(input));
        if (packed != null) {
            assertArrayEquals(input, lzf.decompress(packed, input.length).array(), "round trip");
        }
    }

    /** Decodes, accepting only the documented outcomes; returns the bytes allocated meanwhile. */
    private long decodeAllocating(ByteBuffer block, int announced) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        try {
            assertEquals(announced, lzf.decompress(block, announced).remaining(), "decoded length");
        } catch (IOException expected) {
            // Refused, with the token at fault named.
        }
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
