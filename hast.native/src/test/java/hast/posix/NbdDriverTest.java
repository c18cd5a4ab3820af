package hast.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's presence and free devices, read from a sysfs and /dev laid out under a folder. */
class NbdDriverTest {
    @TempDir
    Path root;

    @Test
    void presentOnlyWithTheModuleAndItsFirstDevice() throws Exception {
        NbdDriver driver = new NbdDriver(root);
        assertFalse(driver.present(), "nothing there");
        Files.createDirectories(root.resolve("sys/module/nbd"));
        assertFalse(driver.present(), "module without devices");
        Files.createDirectories(root.resolve("dev"));
        Files.createFile(root.resolve("dev/nbd0"));
        assertTrue(driver.present());
    }

    @Test
    void theFirstDeviceWithoutAServingProcessIsFree() throws Exception {
        NbdDriver driver = new NbdDriver(root);
        assertEquals(Optional.empty(), driver.freeDevice(), "no sysfs");
        for (int n : new int[] {0, 1, 2, 10}) {
            Files.createDirectories(root.resolve("sys/block/nbd" + n));
            Files.createDirectories(root.resolve("dev"));
            Files.createFile(root.resolve("dev/nbd" + n));
        }
        Files.createDirectories(root.resolve("sys/block/loop0"));
        Files.writeString(root.resolve("sys/block/nbd0/pid"), "4242\n");
        assertEquals(Optional.of(root.resolve("dev/nbd1")), driver.freeDevice());
        Files.writeString(root.resolve("sys/block/nbd1/pid"), "4243\n");
        Files.writeString(root.resolve("sys/block/nbd2/pid"), "4244\n");
        assertEquals(Optional.of(root.resolve("dev/nbd10")), driver.freeDevice(), "numeric, not textual, order");
        Files.writeString(root.resolve("sys/block/nbd10/pid"), "4245\n");
        assertEquals(Optional.empty(), driver.freeDevice(), "all in use");
    }
}
