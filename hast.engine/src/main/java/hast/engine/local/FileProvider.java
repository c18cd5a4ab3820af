package hast.engine.local;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
    /** Sector size of regular files, as in the reference; block devices will report their own. */
    static final int FILE_SECTOR_SIZE = 512;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private FileProvider(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Opens {@code path}.
     *
     * @throws IOException naming the path when it is missing, not a file or block device, or in
     *                     use by another process (read-write only)
     */
    public static FileProvider open(Path path, boolean readOnly) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file or device");
        }
        if (attrs.isDirectory() || !(attrs.isRegularFile() || isBlockDevice(path))) {
            throw new IOException(path + " is neither a regular file nor a block device");
        }
        FileChannel channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (readOnly) {
            return new FileProvider(path, channel, null);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(path + " is in use by another process");
        }
        return new FileProvider(path, channel, lock);
    }

    private static boolean isBlockDevice(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & 0170000) == 0060000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
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
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    /** Writes zeros: releasing space (hole punching, discard) needs native calls, which come later. */
    @Override
    public void delete(long offset, long length) throws IOException {
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
            channel.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
