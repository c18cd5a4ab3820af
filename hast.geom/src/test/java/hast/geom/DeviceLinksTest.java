package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /dev/hast/&lt;provname&gt; links, made under a folder standing for /. */
class DeviceLinksTest {
    @TempDir
    Path root;

    @Test
    void aLinkLeadsToItsDeviceAndGoesWithIt() throws Exception {
        DeviceLinks links = new DeviceLinks(root);
        Path nbd0 = root.resolve("dev/nbd0");
        Path link = links.link("shared", nbd0);
        assertEquals(root.resolve("dev/hast/shared"), link);
        assertEquals(nbd0, Files.readSymbolicLink(link));
        links.unlink("shared", nbd0);
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        links.unlink("shared", nbd0);   // already gone: nothing to do
    }

    @Test
    void aLinkLeftByACrashIsReplaced() throws Exception {
        DeviceLinks links = new DeviceLinks(root);
        links.link("r0", root.resolve("dev/nbd3"));
        Path link = links.link("r0", root.resolve("dev/nbd0"));
        assertEquals(root.resolve("dev/nbd0"), Files.readSymbolicLink(link));
    }

    @Test
    void aLinkTakenOverSinceIsLeftAlone() throws Exception {
        DeviceLinks links = new DeviceLinks(root);
        links.link("r0", root.resolve("dev/nbd0"));
        links.link("r0", root.resolve("dev/nbd1"));
        links.unlink("r0", root.resolve("dev/nbd0"));
        assertTrue(Files.isSymbolicLink(root.resolve("dev/hast/r0")));
        assertEquals(root.resolve("dev/nbd1"), Files.readSymbolicLink(root.resolve("dev/hast/r0")));
    }

    @Test
    void aNameThatWouldLeaveTheFolderIsRefused() {
        DeviceLinks links = new DeviceLinks(root);
        for (String bad : new String[] {"../nbd0", "a/b", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> links.link(bad, root.resolve("dev/nbd0")), bad);
            assertTrue(e.getMessage().contains("cannot name a device in " + root.resolve("dev/hast")), e.getMessage());
        }
    }
}
