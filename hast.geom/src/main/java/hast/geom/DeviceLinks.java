package hast.geom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Set;

/**
 * The /dev/hast/&lt;provname&gt; names, as FreeBSD's HAST gives its GEOM Gate devices: symbolic
 * links to the kernel device serving each primary resource, in a folder beside the devices
 * (/dev in production). Everything here is root's: the device, the folder and the links, even
 * when hastd has dropped its privileges (it then runs this on the kernel device thread, whose
 * capabilities let it write there and give files to root).
 */
final class DeviceLinks {
    private static final Set<PosixFilePermission> ROOT_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path folder;

    /** Links in {@code devices}/hast. */
    DeviceLinks(Path devices) {
        this.folder = devices.resolve("hast");
    }

    /**
     * Makes {@code /dev/hast/<name>} lead to {@code target}, replacing what a crash left there.
     * The device becomes root's alone first (mode 0600, owner and group root), as FreeBSD's
     * /dev/hast nodes are: Debian gives /dev/nbdN to the disk group, whose members would
     * otherwise read and write the replicated disk past every export's protection.
     */
    Path link(String name, Path target) throws IOException {
        Path link = path(name);
        restrict(target);
        if (!Files.isDirectory(folder)) {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
            giveToRoot(folder);
        }
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
        giveToRoot(link);
        return link;
    }

    private static void restrict(Path device) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(device, PosixFileAttributeView.class);
        view.setPermissions(ROOT_ONLY);
        giveToRoot(device);
        PosixFileAttributes now = view.readAttributes();
        if (!now.permissions().equals(ROOT_ONLY) || !now.owner().getName().equals("root")) {
            throw new IOException(device + " is " + PosixFilePermissions.toString(now.permissions()) + " "
                    + now.owner().getName() + ", not rw------- root, and would be open to others");
        }
    }

    /**
     * Owner and group root: what a daemon running as another account creates is that account's,
     * which could then replace the links. A link itself, not what it leads to.
     */
    private static void giveToRoot(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        view.setOwner(users.lookupPrincipalByName("root"));
        view.setGroup(users.lookupPrincipalByGroupName("root"));
    }

    /** Removes {@code /dev/hast/<name>} if it still leads to {@code target} (another may have taken the name since). */
    void unlink(String name, Path target) throws IOException {
        Path link = path(name);
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
            Files.delete(link);
        }
    }

    /** The link's path; a name that would leave the folder is refused. */
    Path path(String name) {
        Path link = folder.resolve(name).normalize();
        if (!link.getParent().equals(folder) || name.isEmpty()) {
            throw new IllegalArgumentException("Provider name '" + name + "' cannot name a device in " + folder);
        }
        return link;
    }
}
