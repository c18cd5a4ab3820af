package hast.posix;

import java.io.IOException;

/**
 * The user and groups of this process. The kernel keeps them per thread; glibc's setgroups,
 * setgid and setuid change them in every thread of the process at once, which is what a daemon
 * dropping root wants (for the per-thread capabilities, see {@link ThreadCapabilities}).
 */
public final class Credentials {
    private Credentials() {
    }

    /** setgroups(2): the supplementary groups. */
    public static void setGroups(int[] groups) throws IOException {
        if (Posix.libc().setgroups(groups.length, groups) != 0) {
            throw failure("setgroups");
        }
    }

    /** setgid(2): as root, the real, effective and saved group ids. */
    public static void setGid(int gid) throws IOException {
        if (Posix.libc().setgid(gid) != 0) {
            throw failure("setgid");
        }
    }

    /** setuid(2): as root, the real, effective and saved user ids. */
    public static void setUid(int uid) throws IOException {
        if (Posix.libc().setuid(uid) != 0) {
            throw failure("setuid");
        }
    }

    /** The real, effective and saved user ids (getresuid). */
    public static int[] userIds() {
        int[] r = new int[1];
        int[] e = new int[1];
        int[] s = new int[1];
        Posix.libc().getresuid(r, e, s);
        return new int[] {r[0], e[0], s[0]};
    }

    /** The real, effective and saved group ids (getresgid). */
    public static int[] groupIds() {
        int[] r = new int[1];
        int[] e = new int[1];
        int[] s = new int[1];
        Posix.libc().getresgid(r, e, s);
        return new int[] {r[0], e[0], s[0]};
    }

    /** The effective uid of this process. */
    public static int effectiveUid() {
        return userIds()[1];
    }

    /**
     * Tries setuid(0) on the calling thread: true when it became root, which after a drop means
     * the drop did not hold.
     */
    public static boolean regainRoot() {
        return Posix.libc().setuid(0) == 0;
    }

    /** The message names the call and the C library's reason, e.g. "setuid: Operation not permitted". */
    private static IOException failure(String call) {
        return new IOException(call + ": " + Posix.describe(Posix.errno()));
    }
}
