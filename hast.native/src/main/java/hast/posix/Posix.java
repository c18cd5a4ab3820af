package hast.posix;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import hast.posix.libc.LibC;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/**
 * The flags and error numbers of the C library, and what its errors mean. The library itself is
 * loaded once per process (it is process-wide state, like the descriptors it hands out) and seen
 * by this package alone.
 */
public final class Posix {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_APPEND = 02000;
    /** On a block device: claim it exclusively, as mount and mkfs do; fails with EBUSY when claimed. */
    public static final int O_EXCL = 0200;
    public static final int O_DSYNC = 010000;
    public static final int O_CLOEXEC = 02000000;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EOPNOTSUPP = 95;

    private static final class Loaded {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Posix() {
    }

    static LibC libc() {
        return Loaded.LIBC;
    }

    /** The calling thread's errno as the last call of this package left it. */
    public static int errno() {
        return Loaded.RUNTIME.getLastError();
    }

    /** The C library's text for {@code errno}, e.g. "Device or resource busy". */
    public static String describe(int errno) {
        return libc().strerror(errno);
    }

    /**
     * O_DIRECT, whose value depends on the processor: x86's 040000, arm64's 0200000.
     *
     * @throws IOException on processors this build does not know the value for
     */
    public static int oDirect() throws IOException {
        return switch (Platform.getNativePlatform().getCPU()) {
            case X86_64, I386 -> 040000;
            case AARCH64, ARM -> 0200000;
            default -> throw new IOException("Direct I/O is not supported on " + Platform.getNativePlatform().getCPU());
        };
    }

    /**
     * The exception for a failed call on {@code path}: the JDK's own kinds for a missing path or
     * denied access (callers and messages treat them like the JDK's), an IOException otherwise.
     *
     * @param what the operation, as a message names it ("open", "BLKDISCARD"...)
     */
    public static IOException error(String what, String path, int errno) {
        String reason = describe(errno);
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(path, null, reason);
            case EACCES, EPERM -> new AccessDeniedException(path, null, what + ": " + reason);
            default -> new ErrnoException(path + ": " + what + ": " + reason, errno);
        };
    }

    /** A failed call with its errno, for callers that act on particular values. */
    public static final class ErrnoException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        public ErrnoException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
