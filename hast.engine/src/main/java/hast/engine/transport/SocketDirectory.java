package hast.engine.transport;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import hast.posix.Credentials;

/**
 * The directory of a Unix socket whose clients can drive a disk (an NBD export). Linux lets
 * anyone with write permission on the socket file connect, and anyone with write permission on
 * its directory replace the file; so the directory belongs to the daemon's user (or root) and
 * nobody else may write to it, and the socket is its owner's alone.
 */
public final class SocketDirectory {
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SocketDirectory() {
    }

    /**
     * Makes the directory of {@code socket} if it is missing (mode 0700, owned by {@code owner}),
     * then checks it and any file already at the socket's path.
     *
     * @param owner the uid the daemon serves clients as
     * @throws UnsafeSocketException naming the path and what is wrong with it
     */
    public static void prepare(Path socket, int owner) throws IOException {
        Path dir = directory(socket);
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.setAttribute(dir, "unix:uid", owner);
            } catch (FileAlreadyExistsException raced) {
                // Someone made it meanwhile; the checks below judge it.
            }
        }
        check(socket, owner);
    }

    /**
     * Refuses a directory that someone other than {@code owner} or root owns or may write to, and
     * a file at the socket's path that such a stranger owns.
     */
    public static void check(Path socket, int owner) throws IOException {
        Path dir = directory(socket);
        PosixFileAttributes attributes = attributes(dir);
        if (!attributes.isDirectory()) {
            throw new UnsafeSocketException(dir + " (the directory of NBD socket " + socket + ") is not a directory.");
        }
        if (!trusted(dir, owner)) {
            throw new UnsafeSocketException("Directory " + dir + " of NBD socket " + socket + " belongs to "
                    + attributes.owner().getName() + ", not to the daemon's user (uid " + owner + ") or root: its"
                    + " owner could replace the socket (chown " + owner + " " + dir + ").");
        }
        Set<PosixFilePermission> loose = attributes.permissions();
        loose.retainAll(OTHERS_WRITE);
        if (!loose.isEmpty()) {
            throw new UnsafeSocketException("Directory " + dir + " of NBD socket " + socket + " is writable by "
                    + (loose.contains(PosixFilePermission.GROUP_WRITE) ? "its group" : "others") + " (mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + "): anyone in it could replace the"
                    + " socket (chmod 700 " + dir + ").");
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !trusted(socket, owner)) {
            throw new UnsafeSocketException("NBD socket " + socket + " belongs to "
                    + Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName() + ", not to the daemon's user (uid "
                    + owner + ") or root.");
        }
    }

    /**
     * Restricts a socket just bound to its owner, then checks that it took: a file system that
     * ignores the mode must not leave the disk open.
     */
    static void restrict(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, OWNER_ONLY);
        Set<PosixFilePermission> mode = attributes(socket).permissions();
        if (!mode.equals(OWNER_ONLY)) {
            throw new UnsafeSocketException("NBD socket " + socket + " kept mode " + PosixFilePermissions.toString(mode)
                    + " instead of rw-------.");
        }
    }

    /** The effective uid of this process: the owner of the sockets it binds. */
    public static int currentUser() {
        return Credentials.effectiveUid();
    }

    /** Owned by {@code owner} or root, who can do anything anyway. */
    private static boolean trusted(Path path, int owner) throws IOException {
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return uid == owner || uid == 0;
    }

    private static Path directory(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("Socket path " + socket + " has no directory");
        }
        return dir;
    }

    private static PosixFileAttributes attributes(Path path) throws IOException {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class).readAttributes();
    }

    /** A socket directory or file that would let someone other than the daemon's user in. */
    public static final class UnsafeSocketException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeSocketException(String message) {
            super(message);
        }
    }
}
