package hast.compress.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import hast.api.codec.Compressor;
import hast.testkit.CompressorContract;

import org.junit.jupiter.api.Test;

/** Deflate's own choices on top of the contract every compressor passes. */
class DeflateCompressorTest extends CompressorContract {
    private final DeflateCompressor deflate = new DeflateCompressor();

    @Override
    protected Compressor compressor() {
        return new DeflateCompressor();
    }

    private static ByteBuffer text(int size) {
        byte[] line = "a third-party codec bundle, installed while the daemon runs\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return ByteBuffer.wrap(b);
    }

    @Test
    void roundTripsOverManySizesAndDeclinesWhatDoesNotPay() throws IOException {
        for (int size : new int[] {2048, 4096, 65536, 1 << 20}) {
            ByteBuffer data = text(size);
            ByteBuffer z = deflate.compress(data);
            assertTrue(z != null && z.remaining() <= size - DeflateCompressor.MIN_SAVING, "size " + size);
            assertEquals(0, data.position(), "the source is left as it was");
            assertEquals(text(size), deflate.decompress(z, size));
        }
        assertNull(deflate.compress(text(1024)), "too small to bother");
        assertNull(deflate.compress(text(1025)), "a result must save 1024 bytes");
        byte[] random = new byte[65536];
        new Random(3).nextBytes(random);
        assertNull(deflate.compress(ByteBuffer.wrap(random)), "random data does not compress");
    }
}
