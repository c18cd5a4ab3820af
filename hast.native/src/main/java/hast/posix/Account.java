package hast.posix;

import java.util.Arrays;
import java.util.Optional;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A user of the system as the C library's name service sees it (so LDAP or sssd users count too).
 *
 * @param name   the user name
 * @param uid    its user id
 * @param gid    its primary group
 * @param groups every group it is a member of, the primary one included
 */
public record Account(String name, int uid, int gid, int[] groups) {
    /** struct passwd on LP64 glibc: pw_name and pw_passwd (two pointers), then pw_uid and pw_gid. */
    private static final int PW_UID = 16;
    private static final int PW_GID = 20;

    /** The user called {@code name}, if there is one. */
    public static Optional<Account> lookup(String name) {
        Pointer pw = Posix.libc().getpwnam(name);
        if (pw == null) {
            return Optional.empty();
        }
        int uid = pw.getInt(PW_UID);
        int gid = pw.getInt(PW_GID);
        int[] groups = new int[16];
        IntByReference count = new IntByReference(groups.length);
        while (Posix.libc().getgrouplist(name, gid, groups, count) < 0) {
            // The array was too small; count now says how large it must be.
            groups = new int[Math.max(count.intValue(), groups.length * 2)];
            count = new IntByReference(groups.length);
        }
        return Optional.of(new Account(name, uid, gid, Arrays.copyOf(groups, count.intValue())));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account a && a.name.equals(name) && a.uid == uid && a.gid == gid
                && Arrays.equals(a.groups, groups);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + uid;
    }

    @Override
    public String toString() {
        return name + " (uid " + uid + ", gid " + gid + ", groups " + Arrays.toString(groups) + ")";
    }
}
