package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import hast.api.storage.LocalProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the engine relies on from a {@link LocalProvider}: bytes read back as written from heap and
 * direct buffers, reading past the end is an {@link EOFException}, a deleted range reads as zeros,
 * durable writes and flushes succeed, disjoint ranges can be written from many threads at once,
 * what was written is there after the provider is closed and opened again, and every hole it
 * reports ({@link LocalProvider#nextData}, {@link LocalProvider#nextHole}) reads as zeros: the NBD
 * export tells clients to skip them.
 */
public abstract class LocalProviderContract {
    /** The size of the providers the suite asks for. */
    protected static final long SIZE = 8L << 20;

    @TempDir
    protected Path dir;

    /**
     * Opens the provider under test on storage named {@code name} inside {@link #dir}, creating it
     * with {@code size} bytes if it does not exist yet.
     */
    protected abstract LocalProvider open(String name, long size) throws IOException;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(LocalProvider p, long offset, int length, Buffers shape) throws IOException {
        ByteBuffer dst = shape == Buffers.DIRECT ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        p.read(dst, offset);
        assertEquals(length, dst.position(), "read fills the buffer");
        return Buffers.bytes(dst.flip());
    }

    @Test
    void describesItself() throws IOException {
        try (LocalProvider p = open("disk", SIZE)) {
            assertEquals(SIZE, p.size());
            int sector = p.sectorSize();
            assertTrue(sector >= 512 && Integer.bitCount(sector) == 1, "a sector of 512 bytes or a larger power of two: " + sector);
            assertTrue(p.path() != null && !p.path().isEmpty(), "the path it was opened from");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Buffers.class, names = {"HEAP", "DIRECT", "READ_ONLY", "OFFSET_HEAP", "OFFSET_DIRECT"})
    void readsBackWhatWasWritten(Buffers shape) throws IOException {
        try (LocalProvider p = open("disk", SIZE)) {
            int sector = p.sectorSize();
            for (int sectors : new int[] {1, 8, 256}) {
                byte[] data = random(sectors * sector, sectors);
                long offset = SIZE - (long) (sectors + 3) * sector;
                ByteBuffer src = shape.wrap(data);
                int limit = src.limit();
                p.write(src, offset);
                assertEquals(limit, src.position(), "write consumes the buffer");
                assertArrayEquals(data, read(p, offset, data.length, Buffers.HEAP));
                assertArrayEquals(data, read(p, offset, data.length, Buffers.DIRECT));
            }
        }
    }

    @Test
    void readingPastTheEndIsAnEof() throws IOException {
        try (LocalProvider p = open("disk", SIZE)) {
            int sector = p.sectorSize();
            assertThrows(EOFException.class, () -> p.read(ByteBuffer.allocate(2 * sector), SIZE - sector));
            assertThrows(EOFException.class, () -> p.read(ByteBuffer.allocate(sector), SIZE));
        }
    }

    @Test
    void aDeletedRangeReadsAsZeros() throws IOException {
        try (LocalProvider p = open("disk", SIZE)) {
            int length = 64 * p.sectorSize();
            long offset = 128L * p.sectorSize();
            byte[] data = random(3 * length, 5);
            p.write(ByteBuffer.wrap(data), offset - length);
            p.delete(offset, length);
            byte[] back = read(p, offset - length, 3 * length, Buffers.HEAP);
            byte[] expected = data.clone();
            java.util.Arrays.fill(expected, length, 2 * length, (byte) 0);
            assertArrayEquals(expected, back, "zeros where deleted, the neighbours untouched");
        }
    }

    @Test
    void theHolesItReportsReadAsZeros() throws IOException {
        try (LocalProvider p = open("disk", SIZE)) {
            int length = 64 * p.sectorSize();
            for (long offset : new long[] {0, SIZE / 2 + 3L * p.sectorSize(), SIZE - length}) {
                p.write(ByteBuffer.wrap(random(length, offset)), offset);
            }
            p.delete(SIZE / 2, p.sectorSize());
            for (long at = 0; at < SIZE; ) {
                long data = p.nextData(at);
                assertTrue(data >= at && data <= SIZE, "nextData(" + at + ") = " + data);
                if (data > at) {
                    byte[] hole = read(p, at, (int) (data - at), Buffers.HEAP);
                    assertArrayEquals(new byte[hole.length], hole, "the hole [" + at + ", " + data + ") reads as zeros");
                    at = data;
                    continue;
                }
                long end = p.nextHole(at);
                assertTrue(end > at && end <= SIZE, "nextHole(" + at + ") = " + end + " where data begins");
                at = end;
            }
        }
    }

    @Test
    void whatWasMadeDurableIsThereAfterReopening() throws IOException {
        byte[] marked = random(4096, 6);
        byte[] data = random(65536, 7);
        try (LocalProvider p = open("disk", SIZE)) {
            p.writeDurably(ByteBuffer.wrap(marked), 0);
            p.write(ByteBuffer.allocateDirect(data.length).put(data).flip(), 1 << 20);
            p.flush();
        }
        try (LocalProvider p = open("disk", SIZE)) {
            assertArrayEquals(marked, read(p, 0, marked.length, Buffers.DIRECT));
            assertArrayEquals(data, read(p, 1 << 20, data.length, Buffers.HEAP));
        }
    }

    @Test
    void disjointRangesCanBeWrittenFromManyThreads() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (LocalProvider p = open("disk", SIZE)) {
                int block = 8 * p.sectorSize();
                int blocks = (int) (SIZE / block);
                Concurrently.run(4, blocks / 4, (thread, i) -> {
                    long index = (long) i * 4 + thread;
                    byte[] data = random(block, index);
                    p.write((i & 1) == 0 ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(block).put(data).flip(),
                            index * block);
                });
                for (long index = 0; index < blocks; index += 37) {
                    assertArrayEquals(random(block, index), read(p, index * block, block, Buffers.DIRECT), "block " + index);
                }
            }
        });
    }
}
