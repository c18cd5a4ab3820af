package hast.compress.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DeflateCompressorTest {
    private final DeflateCompressor deflate = new DeflateCompressor();

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

    @Test
    void damagedBlocksAreClearErrorsAndNeverHang() throws IOException {
        ByteBuffer z = deflate.compress(text(65536));
        assertThrows(IOException.class, () -> deflate.decompress(z, 65535), "shorter than announced");
        assertThrows(IOException.class, () -> deflate.decompress(z, 65537), "longer than announced");
        assertThrows(IOException.class, () -> deflate.decompress(z, -1));
        Random r = new Random(11);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 2000; i++) {
                byte[] bytes = new byte[z.remaining()];
                z.duplicate().get(bytes);
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 + r.nextInt(255));
                int cut = r.nextInt(bytes.length) + 1;
                try {
                    ByteBuffer back = deflate.decompress(ByteBuffer.wrap(bytes, 0, cut), 65536);
                    assertEquals(65536, back.remaining(), "whatever decodes has the announced length");
                } catch (IOException expected) {
                    // A damaged block: refused.
                }
            }
        });
    }
}
