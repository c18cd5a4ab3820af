package hast.engine.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import hast.api.HastException;
import hast.api.Sysexits;

/**
 * The daemon's pidfile, locked for as long as the daemon runs so a second hastd with the same
 * pidfile refuses to start instead of fighting over the providers.
 */
final class PidFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private PidFile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code path} and writes this process's id into it. */
    static PidFile acquire(Path path) throws HastException {
        FileChannel channel = null;
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String other = Files.readString(path, StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new HastException(Sysexits.EX_TEMPFAIL,
                        "Another hastd is already running, pidfile: " + path + ", pid: " + other + ".");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new PidFile(path, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new HastException(Sysexits.EX_OSERR, "Unable to write pidfile " + path + ": " + e.getMessage(), e);
        }
    }

    /** The lock, or {@code null} when another process (or this one) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldByThisProcess) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    /** Removes the pidfile and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(path);
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the original error is what the operator needs.
            }
        }
    }
}
