package hast.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProviderTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path disk(long size) throws IOException {
        Path p = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    private static byte[] filled(int length, int value) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) value);
        return data;
    }

    @Test
    void aSparseFileTellsWhereItsHolesAre() throws Exception {
        Path p = disk(16 * MIB);
        try (FileProvider fp = FileProvider.open(p, false)) {
            assertEquals(16 * MIB, fp.nextData(0), "a new file is one hole");
            fp.write(ByteBuffer.wrap(filled(MIB, 0x33)), 4 * MIB);
            assertEquals(4 * MIB, fp.nextData(0));
            assertEquals(4 * MIB, fp.nextData(4 * MIB));
            assertEquals(5 * MIB, fp.nextHole(4 * MIB));
            assertEquals(16 * MIB, fp.nextData(5 * MIB), "no data after the write");
            fp.delete(4 * MIB, MIB);
            assertEquals(16 * MIB, fp.nextData(0), "a punched range is a hole again");
        }
    }

    @Test
    void aDurableWriteGoesThroughAnODsyncDescriptorAndOnlyThere() throws Exception {
        Path p = disk(MIB);
        try (FileProvider fp = FileProvider.open(p, false)) {
            fp.write(ByteBuffer.wrap(filled(4096, 0x11)), 8192);
            assertEquals(0, descriptorsWithDsync(p), "ordinary writes are buffered");
            fp.writeDurably(ByteBuffer.wrap(filled(512, 0x22)), 4096);
            assertEquals(1, descriptorsWithDsync(p), "the durable write has a synchronous descriptor of its own");
            ByteBuffer back = ByteBuffer.allocate(512);
            fp.read(back, 4096);
            assertArrayEquals(filled(512, 0x22), back.array(), "the main descriptor sees the durable write");
        }
        assertEquals(0, descriptorsWithDsync(p), "close releases both descriptors");
        byte[] raw = Files.readAllBytes(p);
        assertEquals(0x22, raw[4096 + 511]);
        assertEquals(0, raw[4096 + 512]);
        assertEquals(0x11, raw[8192]);
    }

    /** Open descriptors of this process on {@code file} whose flags include O_DSYNC (Linux: 010000). */
    private static long descriptorsWithDsync(Path file) throws IOException {
        Path real = file.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException gone) {
                    continue;
                }
                if (!target.equals(real)) {
                    continue;
                }
                String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString())).stream()
                        .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
                if ((Long.parseLong(flags.substring(6).trim(), 8) & 010000) != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void writesAreReadBackAndReachTheFile() throws Exception {
        Path p = disk(MIB);
        try (FileProvider fp = FileProvider.open(p, false)) {
            assertEquals(MIB, fp.size());
            assertEquals(512, fp.sectorSize());
            assertEquals(p.toString(), fp.path());
            fp.write(ByteBuffer.wrap(filled(8192, 0x5a)), 4096);
            fp.flush();
            ByteBuffer back = ByteBuffer.allocate(8192);
            fp.read(back, 4096);
            assertArrayEquals(filled(8192, 0x5a), back.array());
        }
        byte[] raw = Files.readAllBytes(p);
        assertEquals(0, raw[4095]);
        assertEquals(0x5a, raw[4096]);
        assertEquals(0x5a, raw[4096 + 8191]);
        assertEquals(0, raw[4096 + 8192]);
    }

    @Test
    void aReadPastTheEndIsAnEofNotAShortBuffer() throws Exception {
        try (FileProvider fp = FileProvider.open(disk(MIB), true)) {
            EOFException e = assertThrows(EOFException.class, () -> fp.read(ByteBuffer.allocate(10), MIB - 5));
            assertEquals("Short read from " + fp.path() + " at offset " + MIB, e.getMessage());
        }
    }

    @Test
    void deletePunchesAHoleOverExactlyTheRange() throws Exception {
        Path p = disk(4 * MIB);
        Files.write(p, filled(4 * MIB, 0x77));
        long before = LoopDevice.allocatedBlocks(p);
        long offset = 512;
        long length = 3L * MIB + 1024; // neither end on a file-system block
        try (FileProvider fp = FileProvider.open(p, false)) {
            fp.delete(offset, length);
            assertTrue(before - LoopDevice.allocatedBlocks(p) >= 3 * MIB / 512 - 16,
                    "the file's allocated blocks shrink: " + before + " -> " + LoopDevice.allocatedBlocks(p));
            assertEquals(4 * MIB, fp.size(), "the file keeps its size");
            assertThrows(IllegalArgumentException.class, () -> fp.delete(-512, 512));
            assertThrows(IllegalArgumentException.class, () -> fp.delete(0, -1));
        }
        byte[] raw = Files.readAllBytes(p);
        assertEquals(0x77, raw[(int) offset - 1]);
        assertArrayEquals(new byte[(int) length], Arrays.copyOfRange(raw, (int) offset, (int) (offset + length)));
        assertEquals(0x77, raw[(int) (offset + length)]);
    }

    @Test
    void aReadOnlyProviderRefusesWrites() throws Exception {
        try (FileProvider fp = FileProvider.open(disk(MIB), true)) {
            IOException e = assertThrows(IOException.class, () -> fp.write(ByteBuffer.allocate(512), 0));
            assertEquals(fp.path() + " is open read-only", e.getMessage());
        }
    }

    @Test
    void aSecondReadWriteOpenInThisProcessIsRefusedButReadersAreNot() throws Exception {
        Path p = disk(4096);
        try (FileProvider first = FileProvider.open(p, false)) {
            IOException e = assertThrows(IOException.class, () -> FileProvider.open(p, false));
            assertEquals(p + " is in use by another process", e.getMessage());
            try (FileProvider reader = FileProvider.open(p, true)) {
                assertEquals(4096, reader.size());
            }
        }
        FileProvider.open(p, false).close();
    }

    @Test
    void aProviderHeldByAnotherProcessIsRefusedUntilReleased() throws Exception {
        Path p = disk(4096);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), p.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(LockHolder.READY, out.readLine(), "the holder process could not open the provider");
            IOException e = assertThrows(IOException.class, () -> FileProvider.open(p, false));
            assertEquals(p + " is in use by another process", e.getMessage());
            holder.getOutputStream().close(); // the holder releases when its stdin ends
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder did not exit");
            assertEquals(0, holder.exitValue());
        } finally {
            holder.destroyForcibly();
        }
        FileProvider.open(p, false).close();
    }

    /** Runs in a child JVM: holds a provider open read-write until its stdin ends. */
    static final class LockHolder {
        static final String READY = "holding";

        public static void main(String[] args) throws IOException {
            try (FileProvider fp = FileProvider.open(Path.of(args[0]), false)) {
                System.out.println(READY);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // Wait for the parent to close our stdin.
                }
            }
        }
    }

    @Test
    void aSymbolicLinkToAFileIsFollowed() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("by-id"), disk(MIB));
        try (FileProvider fp = FileProvider.open(link, false)) {
            assertEquals(MIB, fp.size());
        }
    }

    @Test
    void clearErrorsForMissingPathsDirectoriesAndOtherKinds() {
        Path missing = dir.resolve("nope");
        NoSuchFileException gone = assertThrows(NoSuchFileException.class, () -> FileProvider.open(missing, false));
        assertEquals(missing + ": no such file or device", gone.getMessage());
        IOException directory = assertThrows(IOException.class, () -> FileProvider.open(dir, false));
        assertEquals(dir + " is a directory, not a regular file or block device", directory.getMessage());
        Path characterDevice = Path.of("/dev/null");
        IOException other = assertThrows(IOException.class, () -> FileProvider.open(characterDevice, true));
        assertEquals("/dev/null is neither a regular file nor a block device", other.getMessage());
    }
}
