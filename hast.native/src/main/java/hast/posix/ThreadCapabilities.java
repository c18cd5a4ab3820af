package hast.posix;

import java.io.IOException;

/**
 * The Linux capabilities of the calling thread, and whether it keeps them across a change of
 * uid. Unlike glibc's setuid, setgid and setgroups, which it applies to every thread of the
 * process, these calls act on the calling thread alone; a thread started later inherits its
 * creator's sets and flag.
 */
public final class ThreadCapabilities {
    /** Changing a file's owner or group. */
    public static final int CAP_CHOWN = 0;
    /** Passing every file read, write and search permission check. */
    public static final int CAP_DAC_OVERRIDE = 1;
    /** Acting as the owner of any file, e.g. to change its mode. */
    public static final int CAP_FOWNER = 3;
    /** Administration, among which the kernel's nbd ioctls. */
    public static final int CAP_SYS_ADMIN = 21;
    /** _LINUX_CAPABILITY_VERSION_3: 64-bit sets, as two 32-bit triples. */
    private static final int VERSION_3 = 0x20080522;
    private static final int PR_SET_KEEPCAPS = 8;
    /** Index in a triple. */
    private static final int EFFECTIVE = 0;
    private static final int PERMITTED = 1;

    private ThreadCapabilities() {
    }

    /**
     * Whether this thread keeps its permitted set when it stops being root (PR_SET_KEEPCAPS). Its
     * effective set is emptied all the same; {@link #limitTo} restores the part it keeps.
     */
    public static void keepAcrossUidChange(boolean keep) throws IOException {
        if (Posix.libc().prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) != 0) {
            throw new IOException("prctl(PR_SET_KEEPCAPS): " + Posix.describe(Posix.errno()));
        }
    }

    /** The set of {@code capabilities}, one bit each, as {@link #effective} and {@link #permitted} read. */
    public static long set(int... capabilities) {
        long set = 0;
        for (int c : capabilities) {
            set |= 1L << c;
        }
        return set;
    }

    /**
     * Makes {@code only} (a {@link #set}) this thread's permitted and effective capabilities, with
     * no inheritable one. The thread can only narrow its permitted set: it fails with EPERM when
     * it did not have them all.
     */
    public static void limitTo(long only) throws IOException {
        int[] data = new int[6];
        data[EFFECTIVE] = (int) only;
        data[PERMITTED] = (int) only;
        data[3 + EFFECTIVE] = (int) (only >>> 32);
        data[3 + PERMITTED] = (int) (only >>> 32);
        if (Posix.libc().capset(header(), data) != 0) {
            throw new IOException("capset: " + Posix.describe(Posix.errno()));
        }
    }

    /** This thread's effective set, one bit per capability. */
    public static long effective() throws IOException {
        return read(EFFECTIVE);
    }

    /** This thread's permitted set, one bit per capability. */
    public static long permitted() throws IOException {
        return read(PERMITTED);
    }

    private static long read(int set) throws IOException {
        int[] data = new int[6];
        if (Posix.libc().capget(header(), data) != 0) {
            throw new IOException("capget: " + Posix.describe(Posix.errno()));
        }
        return Integer.toUnsignedLong(data[set]) | Integer.toUnsignedLong(data[3 + set]) << 32;
    }

    /** Version 3, and tid 0: the calling thread. */
    private static int[] header() {
        return new int[] {VERSION_3, 0};
    }
}
