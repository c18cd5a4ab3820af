package hast.compress.lzf;

import com.ning.compress.BufferRecycler;
import com.ning.compress.lzf.LZFChunk;
import com.ning.compress.lzf.impl.VanillaChunkEncoder;

/**
 * Encodes one whole buffer as a single raw LZF block, in the format liblzf's lzf_compress
 * produces for hastd, without compress-lzf's "ZV" chunk headers. The engine's frame already
 * records the original length, and chunking would cut a 1 MiB block into 16 chunks of at most
 * 64 KiB, each with a 7-byte header and no back-reference across its start. Not thread-safe: it
 * owns a hash table and scratch buffers, which is why {@link LzfCompressor} pools instances.
 */
final class LzfBlockEncoder extends VanillaChunkEncoder {
    private byte[] output = new byte[0];
    private byte[] input = new byte[0];

    LzfBlockEncoder() {
        // A private recycler: the library's shared one lives in a ThreadLocal, which would pin
        // this bundle's buffers to whichever engine threads happened to call us.
        super(LZFChunk.MAX_CHUNK_LEN, new BufferRecycler(), true);
    }

    /** The most bytes a raw block of {@code length} input bytes can take: one control byte per 32 literals, plus one. */
    static int worstCase(int length) {
        return length + ((length + 31) >>> 5) + 1;
    }

    /**
     * Encodes {@code in[offset, offset + length)}; {@code length} must be at least 16 (the
     * library's encoder reads a few bytes ahead).
     *
     * @return the number of bytes written to {@link #output()}
     */
    int encode(byte[] in, int offset, int length) {
        if (output.length < worstCase(length)) {
            output = new byte[worstCase(length)];
        }
        return tryCompress(in, offset, offset + length, output, 0);
    }

    /** The bytes of the last {@link #encode}, valid until the next call. */
    byte[] output() {
        return output;
    }

    /** A scratch array of at least {@code length} bytes, for copying out of direct buffers. */
    byte[] inputScratch(int length) {
        if (input.length < length) {
            input = new byte[length];
        }
        return input;
    }
}
