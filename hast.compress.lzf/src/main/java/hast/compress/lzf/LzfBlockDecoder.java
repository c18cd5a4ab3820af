package hast.compress.lzf;

import java.io.IOException;

import com.ning.compress.lzf.ChunkDecoder;
import com.ning.compress.lzf.LZFException;
import com.ning.compress.lzf.impl.VanillaChunkDecoder;

/**
 * Decodes raw LZF blocks that arrive from the network, so every input is treated as hostile.
 * Safety comes from the library's array-bounds-checked decoder (never its Unsafe one) writing
 * into an array of exactly the announced length: a token that reaches outside the input, before
 * the start of the output or past its end fails the JVM's bounds check instead of touching
 * memory, and the decoder itself refuses a block that does not end exactly where the input and
 * the output end. Such a failure only says "out of bounds", so {@link LzfBlockValidator} then
 * walks the block to say which token is wrong; valid blocks, the common case, are walked once.
 * Stateless and thread-safe.
 */
final class LzfBlockDecoder {
    private static final byte[] EMPTY = new byte[0];

    private final ChunkDecoder decoder = new VanillaChunkDecoder();

    /** Decodes {@code in[offset, offset + length)} into a new array of exactly {@code originalLength} bytes. */
    byte[] decode(byte[] in, int offset, int length, int originalLength) throws IOException {
        if (originalLength < 0) {
            throw new IOException("lzf: original length: " + originalLength + " (expected: at least 0)");
        }
        // Checked before the output is allocated, so a forged length cannot make us allocate more
        // than the block could really expand to.
        if ((long) length * LzfBlockValidator.MAX_EXPANSION < originalLength) {
            throw new IOException("lzf: original length: " + originalLength + " cannot come from " + length
                    + " compressed bytes (expected: at most " + LzfBlockValidator.MAX_EXPANSION + " times as many)");
        }
        if (originalLength == 0) {
            // The library's decoder always reads one token, even for no output.
            LzfBlockValidator.check(in, offset, offset + length, 0);
            return EMPTY;
        }
        byte[] out = new byte[originalLength];
        try {
            decoder.decodeChunk(in, offset, offset + length, out, 0, originalLength);
            return out;
        } catch (LZFException | IndexOutOfBoundsException e) {
            throw explained(in, offset, length, originalLength, e);
        }
    }

    private static IOException explained(byte[] in, int offset, int length, int originalLength, Exception failure) {
        try {
            LzfBlockValidator.check(in, offset, offset + length, originalLength);
        } catch (IOException precise) {
            precise.addSuppressed(failure);
            return precise;
        }
        // The validator found nothing wrong: a disagreement with the library, still a bad frame
        // rather than a dead worker.
        return new IOException("lzf: corrupt block: the decoder refused it (" + failure + ")", failure);
    }
}
