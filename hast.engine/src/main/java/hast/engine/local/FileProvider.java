package hast.engine.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import hast.api.storage.LocalProvider;
import hast.posix.Descriptor;
import hast.posix.Posix;

/**
 * A local provider on a regular file or a block device. Each call goes where it was measured or
 * where only one side can do it:
 * <ul>
 * <li>reads, writes, durable writes and flushes: {@link DataPath} ({@link DataPath.Calls#JDK} by
 * default: FileChannel's pread, pwrite and fdatasync cost what JNR's do);
 * <li>JNR-FFI, because the JDK has no way to make them: the exclusive claim of a block device
 * (O_EXCL, what mount and mkfs use) and the flock of a file, its size (BLKGETSIZE64) and logical
 * block size (BLKSSZGET), releasing space (fallocate, BLKDISCARD, BLKZEROOUT), and finding a
 * file's holes (lseek's SEEK_DATA and SEEK_HOLE).
 * </ul>
 * A read-write provider stays claimed or locked against other processes for as long as it is open.
 */
public final class FileProvider implements LocalProvider {
    /** Sector size of regular files, as in the reference. */
    static final int FILE_SECTOR_SIZE = 512;
    /** ioctls of {@code <linux/fs.h>}. */
    private static final long BLKSSZGET = 0x1268;
    private static final long BLKDISCARD = 0x1277;
    private static final long BLKZEROOUT = 0x127f;
    private static final long BLKGETSIZE64 = 0x80081272L;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    /**
     * How to open a provider.
     *
     * @param readOnly for {@code hastctl dump}: no claim, no lock, no writes
     * @param direct   direct I/O (O_DIRECT, {@code direct on} in hast.conf): no page cache
     */
    public record Options(boolean readOnly, boolean direct) {
    }

    private final Path path;
    private final boolean blockDevice;
    /** The claimed (block device) or locked (file) descriptor, for the calls the JDK lacks. */
    private final Descriptor control;
    private final DataPath data;
    private final int sectorSize;
    /** A block device's size, read once; -1 for files, whose size is asked each time. */
    private final long deviceSize;
    private final boolean readOnly;

    private FileProvider(Path path, boolean blockDevice, Descriptor control, DataPath data, int sectorSize,
            long deviceSize, boolean readOnly) {
        this.path = path;
        this.blockDevice = blockDevice;
        this.control = control;
        this.data = data;
        this.sectorSize = sectorSize;
        this.deviceSize = deviceSize;
        this.readOnly = readOnly;
    }

    /** Opens {@code path} with buffered I/O; see {@link #open(Path, Options)}. */
    public static FileProvider open(Path path, boolean readOnly) throws IOException {
        return open(path, new Options(readOnly, false));
    }

    /**
     * Opens {@code path}, following symbolic links (such as /dev/disk/by-id names).
     *
     * @throws IOException naming the path when it is missing, not a file or block device, busy (a
     *                     block device claimed by another program, a file locked by another
     *                     process), a block device whose size cannot be read, or a file system
     *                     without direct I/O when {@code direct} is asked for
     */
    public static FileProvider open(Path path, Options options) throws IOException {
        boolean blockDevice = checkKind(path);
        Descriptor control = claim(path, blockDevice, options.readOnly());
        try {
            long deviceSize = -1;
            int sectorSize = FILE_SECTOR_SIZE;
            if (blockDevice) {
                deviceSize = control.ioctlLong(BLKGETSIZE64, "BLKGETSIZE64");
                sectorSize = control.ioctlInt(BLKSSZGET, "BLKSSZGET");
                if (deviceSize <= 0) {
                    throw new IOException("Unable to determine the size of block device " + path
                            + " (BLKGETSIZE64 gives " + deviceSize + ")");
                }
            }
            DataPath data = dataPath(path, options, sectorSize);
            return new FileProvider(path, blockDevice, control, data, sectorSize, deviceSize, options.readOnly());
        } catch (IOException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    /** @return whether {@code path} is a block device; a regular file returns false */
    private static boolean checkKind(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file or device");
        }
        if (attrs.isRegularFile()) {
            return false;
        }
        if (attrs.isDirectory()) {
            throw new IOException(path + " is a directory, not a regular file or block device");
        }
        if (!(Files.getAttribute(path, "unix:mode") instanceof Integer mode && (mode & S_IFMT) == S_IFBLK)) {
            throw new IOException(path + " is neither a regular file nor a block device");
        }
        return true;
    }

    /**
     * The descriptor that holds the provider against other processes: a block device opened O_EXCL
     * (the kernel then refuses other exclusive opens, such as mount's, and refuses ours while it
     * is mounted), a file flock'ed as the reference does. A reader holds nothing.
     */
    private static Descriptor claim(Path path, boolean blockDevice, boolean readOnly) throws IOException {
        if (readOnly) {
            return Descriptor.open(path.toString(), Posix.O_RDONLY);
        }
        Descriptor d;
        try {
            d = Descriptor.open(path.toString(), Posix.O_RDWR | (blockDevice ? Posix.O_EXCL : 0));
        } catch (Posix.ErrnoException e) {
            if (e.errno() == Posix.EBUSY) {
                throw new IOException(path + " is busy: another program holds it exclusively (mounted, or used"
                        + " by another hastd, device mapper or md)");
            }
            throw e;
        }
        if (!blockDevice && !d.tryLock()) {
            d.close();
            throw new IOException(path + " is in use by another process");
        }
        return d;
    }

    private static DataPath dataPath(Path path, Options options, int sectorSize) throws IOException {
        DataPath.Calls calls = DataPath.Calls.configured();
        String p = path.toString();
        if (!options.direct()) {
            return calls.open(p, options.readOnly(), false);
        }
        // The JDK asks direct I/O to be aligned on the file system's block size (f_frsize), a
        // multiple of what the kernel needs (the logical block size); one rule serves both paths.
        int alignment = Math.max(sectorSize, (int) Files.getFileStore(path).getBlockSize());
        DataPath buffered = calls.open(p, options.readOnly(), false);
        try {
            return new DirectDataPath(calls.open(p, options.readOnly(), true), buffered, alignment);
        } catch (IOException e) {
            buffered.close();
            throw new IOException(path + " does not take direct I/O (O_DIRECT): " + e.getMessage(), e);
        }
    }

    @Override
    public String path() {
        return path.toString();
    }

    @Override
    public long size() throws IOException {
        return blockDevice ? deviceSize : Files.size(path);
    }

    @Override
    public int sectorSize() {
        return sectorSize;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        data.read(dst, offset);
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        checkWritable();
        data.write(src, offset);
    }

    @Override
    public void flush() throws IOException {
        data.flush();
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        checkWritable();
        data.writeDurably(src, offset);
    }

    /** A file's holes, from lseek's SEEK_DATA; a block device reports none (all data). */
    @Override
    public long nextData(long offset) throws IOException {
        if (blockDevice) {
            return offset;
        }
        long at = control.nextData(offset);
        return at < 0 ? size() : at;
    }

    @Override
    public long nextHole(long offset) throws IOException {
        if (blockDevice) {
            return size();
        }
        long at = control.nextHole(offset);
        return at < 0 ? size() : at;
    }

    /**
     * Releases the range: a file gets a hole punched (fallocate), a block device the same through
     * its fallocate, which the kernel turns into a zeroing discard. Both read back as zeros, which
     * a plain BLKDISCARD does not promise; the two copies of a resource must hold the same bytes.
     */
    @Override
    public void delete(long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("Invalid range to delete on " + path + ": offset " + offset
                    + ", length " + length);
        }
        checkWritable();
        if (length == 0) {
            return;
        }
        if (blockDevice) {
            releaseSectors(offset, length);
        } else {
            punchHole(offset, length);
        }
    }

    private void punchHole(long offset, long length) throws IOException {
        try {
            control.fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
        } catch (Posix.ErrnoException e) {
            if (e.errno() != Posix.EOPNOTSUPP) {
                throw e;
            }
            // A file system without holes (e.g. some FUSE ones): zeros are what the range must read.
            writeZeroes(offset, length);
        }
    }

    /**
     * A block device releases whole logical blocks only; the partial ones at either end are
     * written with zeros.
     */
    private void releaseSectors(long offset, long length) throws IOException {
        long end = offset + length;
        long first = (offset + sectorSize - 1) / sectorSize * sectorSize;
        long last = end / sectorSize * sectorSize;
        if (first >= last) {
            writeZeroes(offset, length);
            return;
        }
        writeZeroes(offset, first - offset);
        writeZeroes(last, end - last);
        try {
            control.fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, first, last - first);
        } catch (Posix.ErrnoException e) {
            if (e.errno() != Posix.EOPNOTSUPP) {
                throw e;
            }
            // The device cannot zero while unmapping: discard to release the space where it can,
            // then zero, since what a discarded block reads back is up to the device.
            try {
                control.ioctlRange(BLKDISCARD, "BLKDISCARD", first, last - first);
            } catch (Posix.ErrnoException unsupported) {
                if (unsupported.errno() != Posix.EOPNOTSUPP) {
                    throw unsupported;
                }
            }
            control.ioctlRange(BLKZEROOUT, "BLKZEROOUT", first, last - first);
        }
    }

    private void writeZeroes(long offset, long length) throws IOException {
        for (long done = 0; done < length; ) {
            ByteBuffer zeroes = Zeroes.view((int) Math.min(Zeroes.BYTES, length - done));
            int n = zeroes.remaining();
            data.write(zeroes, offset + done);
            done += n;
        }
    }

    private void checkWritable() throws IOException {
        if (readOnly) {
            throw new IOException(path + " is open read-only");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            data.close();
        } finally {
            control.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
