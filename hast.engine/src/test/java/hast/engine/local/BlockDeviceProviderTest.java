package hast.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers on loop devices the test attaches itself: size, block size, exclusive claim, trims. */
class BlockDeviceProviderTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path backing(String name, long size, int fill) throws IOException {
        Path p = dir.resolve(name);
        byte[] chunk = new byte[MIB];
        java.util.Arrays.fill(chunk, (byte) fill);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            for (long done = 0; done < size; done += MIB) {
                f.write(chunk, 0, (int) Math.min(MIB, size - done));
            }
        }
        return p;
    }

    @Test
    void sizeComesFromTheDeviceAndTheLogicalBlockSizeIsRespected() throws Exception {
        try (LoopDevice small = LoopDevice.attach(backing("512.img", 24 * MIB, 0), 512);
             LoopDevice large = LoopDevice.attach(backing("4k.img", 40 * MIB, 0), 4096);
             FileProvider a = FileProvider.open(small.device, false);
             FileProvider b = FileProvider.open(large.device, false)) {
            assertEquals(24L * MIB, a.size());
            assertEquals(512, a.sectorSize());
            assertEquals(40L * MIB, b.size());
            assertEquals(4096, b.sectorSize());
        }
    }

    @Test
    void writesReachTheBackingFile() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(backing("d.img", 8 * MIB, 0), 512)) {
            byte[] data = new byte[8192];
            new Random(7).nextBytes(data);
            try (FileProvider fp = FileProvider.open(loop.device, false)) {
                fp.write(ByteBuffer.wrap(data), 3 * MIB);
                fp.flush();
            }
            byte[] raw = Files.readAllBytes(loop.backing);
            assertArrayEquals(data, java.util.Arrays.copyOfRange(raw, 3 * MIB, 3 * MIB + 8192));
        }
    }

    @Test
    void aDeviceClaimedByAnotherProcessIsBusyUntilReleased() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(backing("busy.img", 8 * MIB, 0), 512)) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    FileProviderTest.LockHolder.class.getName(), loop.device.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals(FileProviderTest.LockHolder.READY, out.readLine(), "the holder could not open the device");
                IOException e = assertThrows(IOException.class, () -> FileProvider.open(loop.device, false));
                assertEquals(loop.device + " is busy: another program holds it exclusively (mounted, or used by"
                        + " another hastd, device mapper or md)", e.getMessage());
                try (FileProvider reader = FileProvider.open(loop.device, true)) {
                    assertEquals(8L * MIB, reader.size(), "hastctl dump still reads a claimed device");
                }
                holder.getOutputStream().close();
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder did not exit");
            } finally {
                holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            FileProvider.open(loop.device, false).close();
        }
    }

    @Test
    void aMountedDeviceIsBusy() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (LoopDevice loop = LoopDevice.attach(backing("fs.img", 16 * MIB, 0), 512)) {
            LoopDevice.run("mkfs.ext4", "-q", "-F", loop.device.toString());
            LoopDevice.run("mount", loop.device.toString(), mnt.toString());
            try {
                IOException e = assertThrows(IOException.class, () -> FileProvider.open(loop.device, false));
                assertTrue(e.getMessage().startsWith(loop.device + " is busy: "), e.getMessage());
            } finally {
                LoopDevice.run("umount", mnt.toString());
            }
        }
    }

    @Test
    void aTrimReleasesTheBackingBlocksAndReadsBackAsZerosWithUnalignedEdgesZeroed() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(backing("trim.img", 8 * MIB, 0x5a), 512)) {
            long before = LoopDevice.allocatedBlocks(loop.backing);
            long offset = MIB + 100;        // neither end on a sector
            long length = 4L * MIB + 300;
            try (FileProvider fp = FileProvider.open(loop.device, false)) {
                fp.delete(offset, length);
                fp.flush();
                ByteBuffer back = ByteBuffer.allocate((int) length + 2);
                fp.read(back, offset - 1);
                byte[] got = back.array();
                assertEquals(0x5a, got[0], "the byte before the range is kept");
                assertEquals(0x5a, got[got.length - 1], "the byte after the range is kept");
                for (int i = 1; i < got.length - 1; i++) {
                    if (got[i] != 0) {
                        throw new AssertionError("byte " + (offset - 1 + i) + " reads " + got[i] + " after the trim");
                    }
                }
            }
            long after = LoopDevice.allocatedBlocks(loop.backing);
            assertTrue(before - after >= 4 * MIB / 512 - 16, "the backing file keeps its blocks: " + before + " -> " + after);
        }
    }
}
