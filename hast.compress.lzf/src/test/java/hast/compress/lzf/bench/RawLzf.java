package hast.compress.lzf.bench;

import java.util.Arrays;

import com.ning.compress.BufferRecycler;
import com.ning.compress.lzf.LZFChunk;
import com.ning.compress.lzf.impl.VanillaChunkEncoder;

/**
 * A raw LZF block of any buffer, kept or not: the decompression benchmarks need an encoding
 * of every kind of data, including those our compressor would send as they are.
 */
final class RawLzf extends VanillaChunkEncoder {
    RawLzf() {
        super(LZFChunk.MAX_CHUNK_LEN, new BufferRecycler(), true);
    }

    byte[] encode(byte[] in) {
        byte[] out = new byte[in.length + ((in.length + 31) >>> 5) + 1];
        int n = tryCompress(in, 0, in.length, out, 0);
        return Arrays.copyOf(out, n);
    }
}
