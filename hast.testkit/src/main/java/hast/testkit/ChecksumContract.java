package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import hast.api.codec.Checksum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the engine relies on from a {@link Checksum}: a digest of {@link Checksum#length()} bytes
 * that depends only on the bytes between position and limit (not on the buffer's shape), leaves
 * the buffer alone, tells a flipped bit apart, and is the same from many threads at once.
 */
public abstract class ChecksumContract {
    /** The checksum under test; called once per test. */
    protected abstract Checksum checksum();

    private static byte[] block(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void digestsHaveTheAnnouncedLength() {
        Checksum c = checksum();
        assertTrue(c.length() > 0, "a digest has bytes");
        for (int size : new int[] {0, 1, 512, 4096, 1 << 20}) {
            assertEquals(c.length(), c.digest(ByteBuffer.wrap(block(size, size))).length, size + " bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Buffers.class)
    void theDigestDependsOnlyOnTheRemainingBytes(Buffers shape) {
        Checksum c = checksum();
        for (int size : new int[] {0, 1, 4095, 4096, 65536}) {
            byte[] data = block(size, 3 * size);
            ByteBuffer b = shape.wrap(data);
            int position = b.position();
            int limit = b.limit();
            byte[] digest = c.digest(b);
            assertEquals(position, b.position(), "the position is left alone");
            assertEquals(limit, b.limit(), "the limit is left alone");
            assertArrayEquals(c.digest(ByteBuffer.wrap(data)), digest, size + " bytes in a " + shape + " buffer");
            assertArrayEquals(digest, c.digest(b), "the same bytes twice, the same digest");
        }
    }

    @Test
    void aFlippedBitChangesTheDigest() {
        Checksum c = checksum();
        byte[] data = block(4096, 5);
        byte[] digest = c.digest(ByteBuffer.wrap(data));
        Random r = new Random(9);
        for (int i = 0; i < 200; i++) {
            byte[] damaged = data.clone();
            damaged[r.nextInt(damaged.length)] ^= (byte) (1 << r.nextInt(8));
            assertFalse(Arrays.equals(digest, c.digest(ByteBuffer.wrap(damaged))), "flip " + i + " went unseen");
        }
    }

    @Test
    void oneInstanceServesManyThreads() {
        Checksum c = checksum();
        byte[][] blocks = new byte[16][];
        byte[][] digests = new byte[16][];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = block(4096 * (1 + i % 4), i);
            digests[i] = c.digest(ByteBuffer.wrap(blocks[i]));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Concurrently.run(4, 500, (thread, i) -> {
            int k = (thread * 7 + i) % blocks.length;
            Buffers shape = (i & 1) == 0 ? Buffers.HEAP : Buffers.OFFSET_DIRECT;
            assertArrayEquals(digests[k], c.digest(shape.wrap(blocks[k])), "block " + k + " on thread " + thread);
        }));
    }
}
