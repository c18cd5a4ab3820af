package hast.posix;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/**
 * A file descriptor opened through the C library, with the calls made on it. Each call retries
 * when a signal interrupts it; a failure is an IOException naming the path, the call and errno.
 * The owner closes it only once no call on it is running (a closed number may be reused).
 */
public final class Descriptor implements Closeable {
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int SOCK_STREAM = 1;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    private final String path;
    private final int fd;
    private boolean closed;

    private Descriptor(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** open(2) with {@code flags} (O_CLOEXEC is added: hooks and other children must not inherit it). */
    public static Descriptor open(String path, int flags) throws IOException {
        return open(path, flags, 0);
    }

    /** open(2) as {@link #open(String, int)}, with the {@code mode} an O_CREAT gives a new file. */
    public static Descriptor open(String path, int flags, int mode) throws IOException {
        int fd;
        do {
            fd = Posix.libc().open(path, flags | Posix.O_CLOEXEC, mode);
        } while (fd < 0 && Posix.errno() == Posix.EINTR);
        if (fd < 0) {
            throw Posix.error("open", path, Posix.errno());
        }
        return new Descriptor(path, fd);
    }

    /**
     * socket(2) of {@code domain} and SOCK_STREAM, close-on-exec.
     *
     * @param name how messages name the socket (its peer)
     */
    public static Descriptor socket(String name, int domain) throws IOException {
        int fd = Posix.libc().socket(domain, SOCK_STREAM | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            throw Posix.error("socket", name, Posix.errno());
        }
        return new Descriptor(name, fd);
    }

    /**
     * dup2(2): makes descriptor {@code target} (e.g. 1, standard output) another name for this
     * one's file; it stays open when this one is closed.
     */
    public void duplicateOnto(int target) throws IOException {
        while (Posix.libc().dup2(fd, target) < 0) {
            retryOrThrow("dup2");
        }
    }

    /** connect(2) to a socket address as the C structure's bytes. */
    public void connect(byte[] address) throws IOException {
        call("connect", () -> Posix.libc().connect(fd, address, address.length));
    }

    /** setsockopt(2) of an int option. */
    public void setOption(int level, int option, int value) throws IOException {
        int[] v = {value};
        call("setsockopt", () -> Posix.libc().setsockopt(fd, level, option, v, 4));
    }

    /** setsockopt(2) of a struct timeval option (SO_RCVTIMEO). */
    public void setTimeout(int level, int option, long millis) throws IOException {
        long[] timeval = {millis / 1000, millis % 1000 * 1000};
        call("setsockopt", () -> Posix.libc().setsockopt(fd, level, option, timeval, 16));
    }

    public String path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /** Fills {@code dst} from {@code offset}; the end of the file first is an {@link EOFException}. */
    public void pread(ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            long n = Posix.libc().pread(fd, dst, dst.remaining(), pos);
            if (n < 0) {
                retryOrThrow("pread");
                continue;
            }
            if (n == 0) {
                throw new EOFException("Short read from " + path + " at offset " + pos);
            }
            dst.position(dst.position() + (int) n);
            pos += n;
        }
    }

    /** Writes all of {@code src} at {@code offset}. */
    public void pwrite(ByteBuffer src, long offset) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            long n = Posix.libc().pwrite(fd, src, src.remaining(), pos);
            if (n < 0) {
                retryOrThrow("pwrite");
                continue;
            }
            src.position(src.position() + (int) n);
            pos += n;
        }
    }

    /** Reads what is there, up to {@code dst.remaining()}; -1 at the end of the stream. */
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            long n = Posix.libc().read(fd, dst, dst.remaining());
            if (n >= 0) {
                dst.position(dst.position() + (int) n);
                return n == 0 && dst.hasRemaining() ? -1 : (int) n;
            }
            retryOrThrow("read");
        }
    }

    /** Writes what the descriptor takes at once. */
    public int write(ByteBuffer src) throws IOException {
        while (true) {
            long n = Posix.libc().write(fd, src, src.remaining());
            if (n >= 0) {
                src.position(src.position() + (int) n);
                return (int) n;
            }
            retryOrThrow("write");
        }
    }

    public void fdatasync() throws IOException {
        call("fdatasync", () -> Posix.libc().fdatasync(fd));
    }

    /** flock(LOCK_EX|LOCK_NB), hastd's guard against a second process on a provider. */
    public boolean tryLock() throws IOException {
        while (Posix.libc().flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int errno = Posix.errno();
            if (errno == Posix.EAGAIN) {
                return false;
            }
            if (errno != Posix.EINTR) {
                throw Posix.error("flock", path, errno);
            }
        }
        return true;
    }

    /** fallocate(2) over {@code [offset, offset + length)}. */
    public void fallocate(int mode, long offset, long length) throws IOException {
        call("fallocate", () -> Posix.libc().fallocate(fd, mode, offset, length));
    }

    /**
     * lseek(2) with SEEK_DATA: where the next range that may hold data begins, at or after
     * {@code offset}; -1 when no data follows (ENXIO). A file system that knows no holes answers
     * {@code offset} itself.
     */
    public long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA, "lseek(SEEK_DATA)");
    }

    /**
     * lseek(2) with SEEK_HOLE: where the next hole begins, at or after {@code offset} (the end of
     * the file counts as one); -1 when {@code offset} is at or past the end (ENXIO).
     */
    public long nextHole(long offset) throws IOException {
        return seek(offset, SEEK_HOLE, "lseek(SEEK_HOLE)");
    }

    private long seek(long offset, int whence, String name) throws IOException {
        while (true) {
            long at = Posix.libc().lseek(fd, offset, whence);
            if (at >= 0) {
                return at;
            }
            if (Posix.errno() == Posix.ENXIO) {
                return -1;
            }
            retryOrThrow(name);
        }
    }

    /** An ioctl whose result is a 64-bit integer. */
    public long ioctlLong(long request, String name) throws IOException {
        LongLongByReference result = new LongLongByReference();
        call(name, () -> Posix.libc().ioctl(fd, request, result));
        return result.longValue();
    }

    /** An ioctl whose result is an int. */
    public int ioctlInt(long request, String name) throws IOException {
        IntByReference result = new IntByReference();
        call(name, () -> Posix.libc().ioctl(fd, request, result));
        return result.intValue();
    }

    /** An ioctl taking the range {@code {offset, length}} (BLKDISCARD, BLKZEROOUT). */
    public void ioctlRange(long request, String name, long offset, long length) throws IOException {
        long[] range = {offset, length};
        call(name, () -> Posix.libc().ioctl(fd, request, range));
    }

    /** An ioctl taking its argument by value. */
    public void ioctl(long request, String name, long argument) throws IOException {
        call(name, () -> Posix.libc().ioctl(fd, request, argument));
    }

    /** A call returning 0 on success; the calls made this way may simply be repeated after EINTR. */
    @FunctionalInterface
    private interface Call {
        int invoke();
    }

    private void call(String name, Call call) throws IOException {
        while (call.invoke() != 0) {
            retryOrThrow(name);
        }
    }

    private void retryOrThrow(String call) throws IOException {
        int errno = Posix.errno();
        if (errno != Posix.EINTR) {
            throw Posix.error(call, path, errno);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // Not retried on EINTR: Linux releases the number whatever close returns.
        if (Posix.libc().close(fd) != 0 && Posix.errno() != Posix.EINTR) {
            throw Posix.error("close", path, Posix.errno());
        }
    }

    @Override
    public String toString() {
        return path + " (fd " + fd + ")";
    }
}
