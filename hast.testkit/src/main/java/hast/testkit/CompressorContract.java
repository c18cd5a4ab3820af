package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import hast.api.codec.Compressor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the engine relies on from a {@link Compressor}: whatever it returns decodes to the same
 * bytes from any buffer shape, the source is never moved or changed, one instance serves many
 * threads, and a damaged block is an {@link IOException} (the frame is refused), never another
 * exception, a wrong length or a hang.
 */
public abstract class CompressorContract {
    /** Payload sizes the engine sends: a sector, a page, a large request, the largest frame. */
    private static final int[] SIZES = {512, 4096, 65536, 1 << 20};

    /** The compressor under test; called once per test. */
    protected abstract Compressor compressor();

    /** Text that any real compressor shrinks. */
    protected static byte[] compressible(int size) {
        byte[] line = "extent 42 of resource r0 is dirty; the secondary copies it back\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Compresses and decodes {@code data} through buffers of {@code shape}, checking the source is untouched. */
    private static void roundTrip(Compressor c, byte[] data, Buffers shape) throws IOException {
        ByteBuffer src = shape.wrap(data);
        int position = src.position();
        ByteBuffer z = c.compress(src);
        assertEquals(position, src.position(), "compress leaves the source's position alone");
        assertArrayEquals(data, Buffers.bytes(src), "compress leaves the source's bytes alone");
        if (z == null) {
            return;
        }
        assertTrue(z.remaining() < data.length, "a result that does not save is declined with null");
        ByteBuffer encoded = shape == Buffers.READ_ONLY ? z.asReadOnlyBuffer() : shape.wrap(Buffers.bytes(z));
        int encodedPosition = encoded.position();
        ByteBuffer back = c.decompress(encoded, data.length);
        assertArrayEquals(data, Buffers.bytes(back), data.length + " bytes decode to what was compressed");
        assertEquals(encodedPosition, encoded.position(), "decompress leaves its source's position alone");
    }

    @ParameterizedTest
    @EnumSource(Buffers.class)
    void compressibleDataRoundTripsFromEveryBufferShape(Buffers shape) throws IOException {
        Compressor c = compressor();
        for (int size : SIZES) {
            roundTrip(c, compressible(size), shape);
        }
    }

    @ParameterizedTest
    @EnumSource(Buffers.class)
    void zerosAndRandomDataRoundTripOrAreDeclined(Buffers shape) throws IOException {
        Compressor c = compressor();
        for (int size : SIZES) {
            roundTrip(c, new byte[size], shape);
            roundTrip(c, random(size, size), shape);
        }
    }

    @Test
    void somethingCompresses() {
        byte[] data = compressible(65536);
        boolean shrunk = compressible64k(compressor(), data) || compressible64k(compressor(), new byte[65536]);
        assertTrue(shrunk, "neither 64 KiB of text nor of zeros was compressed");
    }

    private static boolean compressible64k(Compressor c, byte[] data) {
        ByteBuffer z = c.compress(ByteBuffer.wrap(data));
        return z != null && z.remaining() < data.length;
    }

    @Test
    void oneInstanceServesManyThreads() {
        Compressor c = compressor();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Concurrently.run(4, 200, (thread, i) -> {
            byte[] data = compressible(4096 + 512 * ((thread + i) % 16));
            data[i % data.length] = (byte) thread;
            roundTrip(c, data, (i & 1) == 0 ? Buffers.HEAP : Buffers.DIRECT);
        }));
    }

    @Test
    void aWrongLengthIsRefusedOrHonoured() throws IOException {
        Compressor c = compressor();
        ByteBuffer z = c.compress(ByteBuffer.wrap(compressible(65536)));
        if (z == null) {
            z = c.compress(ByteBuffer.wrap(new byte[65536]));
        }
        if (z == null) {
            fail("nothing compresses, so nothing can be checked");
        }
        ByteBuffer block = z;
        assertThrows(IOException.class, () -> c.decompress(block.duplicate(), -1), "a negative length");
        // A length damaged on the wire is caught by the checksum, if any: the codec must at least
        // never hand back another number of bytes than the frame announced.
        decodeHostile(c, block.duplicate(), 65535);
        decodeHostile(c, block.duplicate(), 65537);
    }

    @Test
    void damagedBlocksAreIOExceptionsAndNeverHang() throws IOException {
        Compressor c = compressor();
        byte[] data = compressible(65536);
        ByteBuffer z = c.compress(ByteBuffer.wrap(data));
        byte[] good = z == null ? random(4096, 7) : Buffers.bytes(z);
        Random r = new Random(11);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 2000; i++) {
                byte[] bytes = good.clone();
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 + r.nextInt(255));
                int cut = r.nextInt(bytes.length) + 1;
                decodeHostile(c, ByteBuffer.wrap(bytes, 0, cut), 65536);
                decodeHostile(c, ByteBuffer.wrap(random(cut, i)), 1 + r.nextInt(1 << 20));
            }
            decodeHostile(c, ByteBuffer.allocate(0), 4096);
        });
    }

    private static void decodeHostile(Compressor c, ByteBuffer block, int length) {
        try {
            ByteBuffer back = c.decompress(block, length);
            assertEquals(length, back.remaining(), "whatever decodes has the announced length");
        } catch (IOException refused) {
            // The frame is refused, which is all a damaged block may cause.
        }
    }
}
