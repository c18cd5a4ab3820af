package hast.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct and buffered I/O give the same bytes, on a file and on a loop device, through both data
 * paths, whatever the buffers (heap, direct, direct at an odd address) and requests (aligned or
 * on 512-byte sectors only).
 */
class DirectIoTest {
    private static final int MIB = 1 << 20;
    private static final int O_DIRECT = 040000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"jdk, file", "native, file", "jdk, loop", "native, loop"})
    void directAndBufferedGiveTheSameBytes(String calls, String kind) throws Exception {
        Path file = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(16 * MIB);
        }
        String previous = System.setProperty(DataPath.Calls.PROPERTY, calls);
        LoopDevice loop = kind.equals("loop") ? LoopDevice.attach(file, 512) : null;
        try {
            Path provider = loop == null ? file : loop.device;
            byte[] expected = new byte[16 * MIB];
            Random random = new Random(11);
            try (FileProvider direct = FileProvider.open(provider, new FileProvider.Options(false, true))) {
                assertTrue(descriptorsWith(provider, O_DIRECT) > 0, "no O_DIRECT descriptor on " + provider);
                writePattern(direct, expected, random, 0);
                direct.writeDurably(pattern(random, expected, 4096, 8192), 4096);
                direct.flush();
            }
            try (FileProvider buffered = FileProvider.open(provider, false)) {
                assertArrayEquals(expected, readAll(buffered), "buffered reads of direct writes");
                writePattern(buffered, expected, random, 8 * MIB);
                buffered.flush();
            }
            try (FileProvider direct = FileProvider.open(provider, new FileProvider.Options(false, true))) {
                assertArrayEquals(expected, readAll(direct), "direct reads of buffered and direct writes");
                ByteBuffer odd = ByteBuffer.allocateDirect(4096 + 1).position(1);
                direct.read(odd, 8 * MIB);
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, 8 * MIB, 8 * MIB + 4096),
                        bytes(odd.position(1)), "a read into a direct buffer at an odd address");
            }
        } finally {
            if (loop != null) {
                loop.close();
            }
            if (previous == null) {
                System.clearProperty(DataPath.Calls.PROPERTY);
            } else {
                System.setProperty(DataPath.Calls.PROPERTY, previous);
            }
        }
        if (loop == null) {
            assertEquals(16L * MIB, Files.size(file));
        }
    }

    /** Writes aligned and sector-only requests from heap, direct and misaligned direct buffers, within 8 MiB from {@code base}. */
    private static void writePattern(FileProvider p, byte[] expected, Random random, int base) throws IOException {
        int[][] requests = {{0, 4096}, {8192, MIB}, {2 * MIB + 512, 1536}, {3 * MIB, 65536}, {4 * MIB - 512, 1024},
            {5 * MIB, 4096 * 3}};
        int n = 0;
        for (int[] r : requests) {
            int offset = base + r[0];
            ByteBuffer src = pattern(random, expected, offset, r[1]);
            ByteBuffer buffer = switch (n++ % 3) {
                case 0 -> src;
                case 1 -> ByteBuffer.allocateDirect(r[1]).put(src).flip();
                default -> {
                    ByteBuffer odd = ByteBuffer.allocateDirect(r[1] + 3);
                    odd.position(3);
                    yield odd.put(src).flip().position(3);
                }
            };
            p.write(buffer, offset);
            assertEquals(0, buffer.remaining(), "a write consumes its buffer");
        }
    }

    /** Random bytes for {@code [offset, offset + length)}, recorded in {@code expected}. */
    private static ByteBuffer pattern(Random random, byte[] expected, int offset, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        System.arraycopy(data, 0, expected, offset, length);
        return ByteBuffer.wrap(data);
    }

    private static byte[] readAll(FileProvider p) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) p.size());
        p.read(all, 0);
        return all.array();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Descriptors of this process on {@code target} whose open flags include {@code flag}. */
    static long descriptorsWith(Path target, int flag) throws IOException {
        Path real = target.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                Path linked;
                try {
                    linked = Files.readSymbolicLink(fd);
                } catch (IOException gone) {
                    continue;
                }
                if (!linked.equals(real)) {
                    continue;
                }
                String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString())).stream()
                        .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
                if ((Long.parseLong(flags.substring(6).trim(), 8) & flag) != 0) {
                    n++;
                }
            }
        }
        return n;
    }
}
