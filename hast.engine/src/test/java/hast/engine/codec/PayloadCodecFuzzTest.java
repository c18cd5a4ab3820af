package hast.engine.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.checksum.Crc32Checksum;
import hast.checksum.Sha256Checksum;
import hast.compress.lzf.LzfCompressor;
import hast.testkit.fuzz.AllocationBudget;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * A data payload as it arrives in a WRITE or a READ reply: the encoding block, then the data
 * checked and decoded by the real checksums and lzf. The receiver gets exactly the request's
 * length of data, or an {@link IOException} (a damaged payload, or a codec this node lacks).
 */
@Timeout(10)
class PayloadCodecFuzzTest {
    /**
     * Every damaged payload is logged as a warning; on the console that would slow the fuzzer
     * down many times over. Held here, since the log manager holds loggers weakly.
     */
    private static final Logger CODEC_LOG = Logger.getLogger(PayloadCodec.class.getName());

    /** The level before this class, given back after it: other tests may read the codec's warnings. */
    private static Level before;

    @BeforeAll
    static void quiet() {
        before = CODEC_LOG.getLevel();
        CODEC_LOG.setLevel(Level.OFF);
    }

    @AfterAll
    static void loud() {
        CODEC_LOG.setLevel(before);
    }

    /** The largest request and the copy of it a decoder makes. */
    private static final long FIXED = 3 << 20;
    private final Codecs codecs = new Codecs();
    private final PayloadCodec codec = new PayloadCodec("fuzz", codecs, () -> new CodecChoice("lzf", "crc32"));

    PayloadCodecFuzzTest() {
        codecs.addCompressor("lzf", new LzfCompressor());
        codecs.addChecksum("crc32", new Crc32Checksum());
        codecs.addChecksum("sha256", new Sha256Checksum());
    }

    /** Bytes 0 to 2: the request's length (big-endian); the rest is the payload. */
    @FuzzTest
    void decode(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int length = (Byte.toUnsignedInt(input[0]) << 16) | (Byte.toUnsignedInt(input[1]) << 8)
                | Byte.toUnsignedInt(input[2]);
        ByteBuffer wire = ByteBuffer.wrap(input, 3, input.length - 3).slice();
        AllocationBudget.check("payload", input, FIXED, 8, IOException.class, () -> {
            ByteBuffer data = codec.decode(wire, length, "WRITE at 0");
            assertEquals(length, data.remaining(), "decoded data has the request's length");
        });
    }
}
