package hast.engine.local;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

import hast.api.storage.LocalProvider;

/**
 * A local provider on a regular file or a block device, through the JDK: positional reads and
 * writes are pread/pwrite and {@code force(false)} is fdatasync. A read-write provider is locked
 * against other processes for as long as it is open.
 */
public final class FileProvider implements LocalProvider {
    /**
     * Sector size of every provider for now: regular files have 512 as in the reference; reading a
     * block device's logical sector size (BLKSSZGET) needs an ioctl, which needs native calls.
     */
    static final int FILE_SECTOR_SIZE = 512;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final Path path;
    private final FileChannel channel;
    /** Held while open read-write; null when read-only. */
    private final FileLock lock;
    private final boolean readOnly;
    /**
     * The same file opened O_DSYNC, for {@link #writeDurably}: the kernel then writes back and
     * flushes only the range written, where fdatasync would write back every dirty data page.
     * Opened on first use; guarded by {@code this}.
     */
    private FileChannel dsync;

    private FileProvider(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.readOnly = lock == null;
    }

    /**
     * Opens {@code path}, following symbolic links (such as /dev/disk/by-id names).
     *
     * @throws IOException naming the path when it is missing, not a file or block device, a block
     *                     device whose size cannot be read, or in use by another process (read-write only)
     */
    public static FileProvider open(Path path, boolean readOnly) throws IOException {
        boolean blockDevice = checkKind(path);
        FileChannel channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (blockDevice && channel.size() <= 0) {
                throw new IOException("Unable to determine the size of block device " + path);
            }
            return new FileProvider(path, channel, readOnly ? null : lockExclusively(path, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
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
        if (!isBlockDevice(path)) {
            throw new IOException(path + " is neither a regular file nor a block device");
        }
        return true;
    }

    private static boolean isBlockDevice(Path path) {
        try {
            return Files.getAttribute(path, "unix:mode") instanceof Integer mode && (mode & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException e) {
            // Without unix attributes the kind cannot be told: only regular files are accepted then.
            return false;
        }
    }

    /** An exclusive lock against other processes; HAST's flock(LOCK_EX|LOCK_NB) on the provider. */
    private static FileLock lockExclusively(Path path, FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held by this very process, e.g. a resource opened twice.
            lock = null;
        }
        if (lock == null) {
            throw new IOException(path + " is in use by another process");
        }
        return lock;
    }

    @Override
    public String path() {
        return path.toString();
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int sectorSize() {
        return FILE_SECTOR_SIZE;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new EOFException("Short read from " + path + " at offset " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is open read-only");
        }
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is open read-only");
        }
        FileChannel c = dsyncChannel();
        long pos = offset;
        while (src.hasRemaining()) {
            pos += c.write(src, pos);
        }
    }

    private synchronized FileChannel dsyncChannel() throws IOException {
        if (dsync == null) {
            dsync = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
        }
        return dsync;
    }

    @Override
    public void delete(long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("Invalid range to delete on " + path + ": offset " + offset
                    + ", length " + length);
        }
        release(offset, length);
    }

    /**
     * Makes a range read back as zeros. For now by writing zeros: punching holes in a file or
     * discarding device blocks needs native calls (fallocate, BLKDISCARD) that the JDK lacks.
     */
    private void release(long offset, long length) throws IOException {
        for (long done = 0; done < length; ) {
            ByteBuffer zeroes = ZEROES.duplicate();
            zeroes.limit((int) Math.min(zeroes.capacity(), length - done));
            int n = zeroes.remaining();
            write(zeroes, offset + done);
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            synchronized (this) {
                if (dsync != null) {
                    dsync.close();
                }
            }
            channel.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
