package hast.compress.lzf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import hast.testkit.fuzz.SeedCorpus;

import org.junit.jupiter.api.Test;

/**
 * Valid raw LZF blocks for {@link LzfFuzzTest}, made by the compressor: where the fuzzer starts.
 * Every build compares them with the checked-in files; {@code -Dhast.fuzz.seeds=write} writes
 * them anew.
 */
class FuzzSeedsTest {
    private static final SeedCorpus SEEDS = new SeedCorpus(LzfFuzzTest.class, "decompress");

    @Test
    void blocks() throws Exception {
        LzfCompressor lzf = new LzfCompressor();
        SEEDS.seed("text", block(lzf, text(4096)));
        SEEDS.seed("zeroes", block(lzf, new byte[8192]));
        byte[] mixed = text(20000);
        for (int i = 0; i < mixed.length; i += 401) {
            mixed[i] = (byte) (i * 31);
        }
        SEEDS.seed("mixed", block(lzf, mixed));
    }

    /** The original length in 3 bytes, then the block. */
    private static byte[] block(LzfCompressor lzf, byte[] data) {
        ByteBuffer packed = lzf.compress(ByteBuffer.wrap(data));
        return ByteBuffer.allocate(3 + packed.remaining()).put((byte) (data.length >>> 16))
                .put((byte) (data.length >>> 8)).put((byte) data.length).put(packed).array();
    }

    private static byte[] text(int size) {
        byte[] line = "every replicated block is checked before it is written\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }
}
