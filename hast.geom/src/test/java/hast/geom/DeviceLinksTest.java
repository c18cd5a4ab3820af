package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /dev/hast/&lt;provname&gt; links, made under a folder standing for /. */
class DeviceLinksTest {
    @TempDir
    Path root;

    @Test
    void aLinkLeadsToItsDeviceAndGoesWithIt() throws Exception {
        DeviceLinks links = new DeviceLinks(root.resolve("dev"));
        Path nbd0 = device("nbd0");
        Path link = links.link("shared", nbd0);
        assertEquals(root.resolve("dev/hast/shared"), link);
        assertEquals(nbd0, Files.readSymbolicLink(link));
        links.unlink("shared", nbd0);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        links.unlink("shared", nbd0);   // already gone: nothing to do
    }

    @Test
    void aLinkLeftByACrashIsReplaced() throws Exception {
        DeviceLinks links = new DeviceLinks(root.resolve("dev"));
        links.link("r0", device("nbd3"));
        Path link = links.link("r0", device("nbd0"));
        assertEquals(root.resolve("dev/nbd0"), Files.readSymbolicLink(link));
    }

    @Test
    void aLinkTakenOverSinceIsLeftAlone() throws Exception {
        DeviceLinks links = new DeviceLinks(root.resolve("dev"));
        links.link("r0", device("nbd0"));
        links.link("r0", device("nbd1"));
        links.unlink("r0", root.resolve("dev/nbd0"));
        assertTrue(Files.isSymbolicLink(root.resolve("dev/hast/r0")));
        assertEquals(root.resolve("dev/nbd1"), Files.readSymbolicLink(root.resolve("dev/hast/r0")));
    }

    @Test
    void theDeviceBehindALinkIsRootsAlone() throws Exception {
        Path nbd2 = device("nbd2");
        Files.setPosixFilePermissions(nbd2, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setOwner(nbd2, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        new DeviceLinks(root.resolve("dev")).link("r0", nbd2);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nbd2)));
        assertEquals("root", Files.getOwner(nbd2).getName());
        assertEquals("root", Files.readAttributes(nbd2, PosixFileAttributes.class).group().getName());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("dev/hast"))),
                "only root may change the links");
    }

    /** A stand-in for a kernel device node, group-readable and -writable as udev makes /dev/nbdN. */
    private Path device(String name) throws Exception {
        Path dev = Files.createDirectories(root.resolve("dev")).resolve(name);
        if (!Files.exists(dev)) {
            Files.createFile(dev, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----")));
        }
        return dev;
    }

    @Test
    void aNameThatWouldLeaveTheFolderIsRefused() {
        DeviceLinks links = new DeviceLinks(root.resolve("dev"));
        for (String bad : new String[] {"../nbd0", "a/b", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> links.link(bad, root.resolve("dev/nbd0")), bad);
            assertTrue(e.getMessage().contains("cannot name a device in " + root.resolve("dev/hast")), e.getMessage());
        }
    }
}
