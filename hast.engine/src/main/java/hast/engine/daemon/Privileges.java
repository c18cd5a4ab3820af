package hast.engine.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.posix.Account;
import hast.posix.Credentials;
import hast.posix.KernelDeviceThread;

/**
 * hastd's privilege drop (the reference's drop_privs, without jail and capsicum): once its
 * sockets are open, the daemon takes the groups, group and user of an unprivileged account, then
 * checks that it cannot take root back. Linux keeps what is already open usable: listening
 * sockets, the control socket, open providers. Unlike the reference, the account keeps those of
 * its supplementary groups that own a configured local component (e.g. {@code disk}): every role
 * change reopens its provider here, which the account must be allowed to do. Its other groups
 * would only widen what a compromised daemon could reach, so they are left behind.
 */
final class Privileges {
    /** The account the reference drops to, used when neither -u nor hast.conf names one. */
    static final String DEFAULT_USER = "hast";
    private static final Logger LOG = Logger.getLogger(Privileges.class.getName());
    /** S_IRGRP | S_IWGRP. */
    private static final int GROUP_READ_WRITE = 0060;

    private Privileges() {
    }

    /**
     * The account to become, if any: the one {@code -u} names, else hast.conf's {@code user}, else
     * {@code hast} when it exists. Root, or the account the daemon already runs as, is none.
     *
     * @throws HastException with {@link Sysexits#EX_CONFIG} when a named account does not exist,
     *                       or when the daemon is not root and is named someone else to become
     */
    static Optional<Account> target(String flag, String configured) throws HastException {
        String name = flag != null ? flag : configured;
        Optional<Account> account = Account.lookup(name != null ? name : DEFAULT_USER);
        if (account.isEmpty()) {
            if (name != null) {
                throw new HastException(Sysexits.EX_CONFIG, "Unable to drop privileges: user " + name + " does not exist.");
            }
            LOG.warning("User " + DEFAULT_USER + " does not exist: hastd keeps running with the privileges it was"
                    + " started with. Create it (see README) or name an account with -u or hast.conf's user.");
            return Optional.empty();
        }
        int euid = Credentials.effectiveUid();
        Account a = account.get();
        if (a.uid() == 0 || a.uid() == euid) {
            return Optional.empty();
        }
        if (euid != 0) {
            if (name == null) {
                // Started unprivileged already: there is nothing to drop, as there is no hast to become.
                return Optional.empty();
            }
            throw new HastException(Sysexits.EX_CONFIG, "Unable to drop privileges to " + a.name()
                    + ": hastd runs as uid " + euid + ", not as root.");
        }
        return account;
    }

    /**
     * {@code account} with only the supplementary groups the daemon needs: its primary group, and
     * each group that owns one of {@code locals} and may read and write it (the account's own
     * files need no group). A local component that does not exist yet gives no group.
     */
    static Account narrow(Account account, Collection<Path> locals) {
        Set<Integer> needed = new LinkedHashSet<>();
        needed.add(account.gid());
        for (Path local : locals) {
            try {
                Map<String, Object> a = Files.readAttributes(local, "unix:gid,mode");
                int mode = (Integer) a.get("mode");
                if ((mode & GROUP_READ_WRITE) == GROUP_READ_WRITE) {
                    needed.add((Integer) a.get("gid"));
                }
            } catch (IOException | UnsupportedOperationException e) {
                LOG.fine(() -> "No group for " + local + ": " + e.getMessage());
            }
        }
        int[] groups = Arrays.stream(account.groups()).filter(needed::contains).toArray();
        if (groups.length < account.groups().length) {
            LOG.fine(() -> "Supplementary groups kept for " + account.name() + ": " + Arrays.toString(groups)
                    + " of " + Arrays.toString(account.groups()) + ".");
        }
        return new Account(account.name(), account.uid(), account.gid(), groups);
    }

    /**
     * Becomes {@code account}: setgroups, setgid, setuid (glibc applies each to every thread),
     * then checks that real, effective and saved ids are all the account's and that root cannot
     * be regained. Every thread loses every capability, except {@code kernelDevice} where the
     * kernel's nbd driver is present: it keeps what the device work needs, and only that
     * ({@link KernelDeviceThread.Kept}).
     *
     * @throws HastException with {@link Sysexits#EX_OSERR} when a step fails or the check does not hold
     */
    static void drop(Account account, KernelDeviceThread kernelDevice) throws HastException {
        try {
            kernelDevice.holdThroughDrop();
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_OSERR, "Unable to drop privileges to " + account.name()
                    + ": thread " + KernelDeviceThread.NAME + ": " + e.getMessage() + ".");
        }
        try {
            Credentials.setGroups(account.groups());
            Credentials.setGid(account.gid());
            Credentials.setUid(account.uid());
            kernelDevice.narrowAfterDrop();
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_OSERR, "Unable to drop privileges to " + account.name()
                    + ": " + e.getMessage() + ".");
        }
        int[] uids = Credentials.userIds();
        int[] gids = Credentials.groupIds();
        boolean user = uids[0] == account.uid() && uids[1] == account.uid() && uids[2] == account.uid();
        boolean group = gids[0] == account.gid() && gids[1] == account.gid() && gids[2] == account.gid();
        if (!user || !group || Credentials.regainRoot()) {
            throw new HastException(Sysexits.EX_OSERR, "Unable to drop privileges to " + account
                    + ": the process could still regain them.");
        }
        LOG.info(() -> "Privileges successfully dropped to " + account.name() + " (uid " + account.uid() + ", groups "
                + Arrays.toString(account.groups()) + ").");
        if (kernelDevice.exists()) {
            LOG.info("Capabilities kept: " + KernelDeviceThread.Kept.describe() + "; on thread "
                    + KernelDeviceThread.NAME + " only (and the nbd-do-it threads it starts), which does all the"
                    + " kernel device work; no other thread keeps any.");
        } else {
            LOG.info("Capabilities kept: none (no kernel nbd driver, so no kernel device work).");
        }
    }
}
