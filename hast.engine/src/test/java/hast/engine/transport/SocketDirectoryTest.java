package hast.engine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import hast.api.HastAddress;
import hast.api.transport.Listener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory and the file of an NBD export's Unix socket: whoever may write there may drive the disk. */
class SocketDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsMadeTheOwnersAlone() throws Exception {
        Path socket = dir.resolve("run/hast/nbd.sock");
        SocketDirectory.prepare(socket, SocketDirectory.currentUser());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void aDirectoryOthersMayWriteToIsRefused() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(SocketDirectory.UnsafeSocketException.class,
                () -> SocketDirectory.prepare(shared.resolve("nbd.sock"), SocketDirectory.currentUser()));
        assertEquals("Directory " + shared + " of NBD socket " + shared.resolve("nbd.sock") + " is writable by its group"
                + " (mode rwxrwxrwx): anyone in it could replace the socket (chmod 700 " + shared + ").", e.getMessage());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xrwx"));
        assertTrue(assertThrows(IOException.class, () -> SocketDirectory.check(shared.resolve("nbd.sock"),
                SocketDirectory.currentUser())).getMessage().contains("is writable by others (mode rwxr-xrwx)"));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setOwner(theirs, nobody());
        IOException e = assertThrows(SocketDirectory.UnsafeSocketException.class,
                () -> SocketDirectory.check(theirs.resolve("nbd.sock"), SocketDirectory.currentUser()));
        assertTrue(e.getMessage().startsWith("Directory " + theirs + " of NBD socket " + theirs.resolve("nbd.sock")
                + " belongs to nobody, not to the daemon's user (uid 0) or root"), e.getMessage());
    }

    @Test
    void aSocketFileOfAnotherUserIsRefused() throws Exception {
        Path socket = Files.createFile(dir.resolve("nbd.sock"));
        Files.setOwner(socket, nobody());
        IOException e = assertThrows(SocketDirectory.UnsafeSocketException.class,
                () -> SocketDirectory.check(socket, SocketDirectory.currentUser()));
        assertEquals("NBD socket " + socket + " belongs to nobody, not to the daemon's user (uid 0) or root.",
                e.getMessage());
    }

    @Test
    void theDaemonsUserMayOwnTheDirectory() throws Exception {
        Path socket = dir.resolve("hast/nbd.sock");
        SocketDirectory.prepare(socket, 65534);
        assertEquals("nobody", Files.getOwner(socket.getParent()).getName(), "made for the account hastd drops to");
        SocketDirectory.check(socket, 65534);
        assertThrows(SocketDirectory.UnsafeSocketException.class, () -> SocketDirectory.check(socket, 1000),
                "nobody's directory is no other user's");
        Files.setOwner(socket.getParent(), Files.getOwner(dir));
        SocketDirectory.check(socket, 65534);   // root's is everyone's
    }

    @Test
    void notADirectoryIsRefused() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        assertThrows(SocketDirectory.UnsafeSocketException.class,
                () -> SocketDirectory.check(file.resolve("nbd.sock"), SocketDirectory.currentUser()));
    }

    @Test
    void theTransportListensOnlyInASafeDirectoryAndForItsOwnerOnly() throws Exception {
        UdsTransport uds = new UdsTransport();
        Path socket = dir.resolve("hast/nbd.sock");
        try (Listener l = uds.listen(HastAddress.parse("uds://" + socket))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        }
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> uds.listen(HastAddress.parse("uds://" + socket)));
        assertTrue(e.getMessage().contains("is writable by its group"), e.getMessage());
    }

    private static UserPrincipal nobody() throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }
}
