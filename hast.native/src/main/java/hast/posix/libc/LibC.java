package hast.posix.libc;

import java.nio.ByteBuffer;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The C library calls hast.posix makes through JNR-FFI, for what the JDK cannot do (ioctl,
 * fallocate, lseek's SEEK_DATA and SEEK_HOLE, flock, O_EXCL opens, setuid, capabilities) or where the JDK's version was measured against ours
 * (pread, pwrite, fdatasync: see hast.engine's {@code NativeDataPath}). Public only because
 * JNR generates its implementation in another class loader; the package is private to the bundle.
 */
public interface LibC {
    int open(String path, int flags, int mode);

    int close(int fd);

    int dup2(int fd, int target);

    @ssize_t long pread(int fd, @Out ByteBuffer dst, @size_t long count, @off_t long offset);

    @ssize_t long pwrite(int fd, @In ByteBuffer src, @size_t long count, @off_t long offset);

    @ssize_t long read(int fd, @Out ByteBuffer dst, @size_t long count);

    @ssize_t long write(int fd, @In ByteBuffer src, @size_t long count);

    int fdatasync(int fd);

    int flock(int fd, int operation);

    int fallocate(int fd, int mode, @off_t long offset, @off_t long length);

    @off_t long lseek(int fd, @off_t long offset, int whence);

    /** ioctl with a result written to a 64-bit integer (BLKGETSIZE64). */
    int ioctl(int fd, long request, @Out LongLongByReference result);

    /** ioctl with a result written to an int (BLKSSZGET). */
    int ioctl(int fd, long request, @Out IntByReference result);

    /** ioctl reading a range of two 64-bit integers (BLKDISCARD, BLKZEROOUT). */
    int ioctl(int fd, long request, @In long[] range);

    /** ioctl taking its argument by value (the NBD ioctls). */
    int ioctl(int fd, long request, long argument);

    int socket(int domain, int type, int protocol);

    int connect(int fd, @In byte[] address, int length);

    /** setsockopt with a struct timeval (two longs: seconds, microseconds). */
    int setsockopt(int fd, int level, int option, @In long[] value, int length);

    /** setsockopt with an int. */
    int setsockopt(int fd, int level, int option, @In int[] value, int length);

    int shutdown(int fd, int how);

    String strerror(int errno);

    Pointer getpwnam(String name);

    int getgrouplist(String user, int group, @Out int[] groups, IntByReference count);

    int setgroups(@size_t long count, @In int[] groups);

    int setgid(int gid);

    int setuid(int uid);

    int getresuid(@Out int[] ruid, @Out int[] euid, @Out int[] suid);

    int getresgid(@Out int[] rgid, @Out int[] egid, @Out int[] sgid);

    int getgroups(int size, @Out int[] groups);

    /** prctl with integer arguments (PR_SET_KEEPCAPS, PR_GET_KEEPCAPS); unused ones are 0. */
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** capget(2): {@code header} is {version, tid}, {@code data} two {effective, permitted, inheritable} triples. */
    int capget(@In int[] header, @Out int[] data);

    /** capset(2), laid out as {@link #capget}. */
    int capset(@In int[] header, @In int[] data);
}
