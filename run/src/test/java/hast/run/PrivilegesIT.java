package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running hastd dropped to {@code nobody} still holds, read thread by thread from
 * /proc/&lt;pid&gt;/task: the account's ids and groups everywhere, and no capability except the
 * kernel device thread's four where the nbd driver is present, with which it still does the
 * device file work as root would. This machine need not have the driver: HASTD_NBD_ROOT points
 * the daemon's detection, and so its /dev/nbdN and /dev/hast, at a folder that has one, or that
 * has none. The nbd ioctls themselves cannot run without the driver: they fail on the stand-in.
 */
class PrivilegesIT {
    private static final int MIB = 1 << 20;
    private static final String NONE = "0000000000000000";
    /** CAP_CHOWN 0, CAP_DAC_OVERRIDE 1, CAP_FOWNER 3, CAP_SYS_ADMIN 21. */
    private static final String DEVICE_WORK = String.format("%016x", 0x20000bL);

    @TempDir
    Path dir;

    /** The lines of /proc/&lt;pid&gt;/task/&lt;tid&gt;/status this test reads (CapBnd only to show it in failures). */
    private static final List<String> READ = List.of("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd",
            "CapAmb");

    /** One thread as /proc shows it: its name and the status lines this test reads. */
    private record Task(String comm, Map<String, String> status) {
        String get(String key) {
            return status.get(key);
        }
    }

    @Test
    void withoutTheNbdDriverNoThreadKeepsACapability() throws Exception {
        Path root = Files.createDirectory(dir.resolve("no-driver"));
        try (Node n = dropped(root)) {
            Node.awaitTrue("the capability line", () -> n.logText().contains(
                    "Capabilities kept: none (no kernel nbd driver, so no kernel device work)."));
            List<Task> tasks = tasks();
            assertAccount(tasks);
            for (Task t : tasks) {
                assertEquals(NONE, t.get("CapEff"), t.toString());
                assertEquals(NONE, t.get("CapPrm"), t.toString());
            }
            assertTrue(tasks.stream().noneMatch(t -> t.comm().equals("kernel-device")), tasks.toString());
        }
    }

    @Test
    void withTheNbdDriverOnlyTheKernelDeviceThreadKeepsCapabilitiesAndDoesTheDeviceWorkAsRoot() throws Exception {
        Path root = dir.resolve("driver");
        Files.createDirectories(root.resolve("sys/module/nbd"));
        Files.createDirectories(root.resolve("sys/block/nbd0"));
        Path dev = Files.createDirectories(root.resolve("dev"));
        // A plain file standing for /dev/nbd0 as udev makes it, root:disk 0660, in a folder only
        // root may write: by itself, nobody can neither open nor change it, nor create dev/hast.
        Path nbd0 = Files.createFile(dev.resolve("nbd0"));
        Files.setPosixFilePermissions(nbd0, PosixFilePermissions.fromString("rw-rw----"));
        Files.setAttribute(nbd0, "unix:gid", groupId("disk"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dev)));
        try (Node n = dropped(root)) {
            Node.awaitTrue("the capability line", () -> n.logText().contains("Capabilities kept: CAP_SYS_ADMIN (the nbd"
                    + " ioctls), CAP_DAC_OVERRIDE (opening /dev/nbdN, which is root:disk 0660, and creating /dev/hast"
                    + " and its links in folders only root may write), CAP_CHOWN (giving /dev/nbdN, /dev/hast and its"
                    + " links to root:root), CAP_FOWNER (setting mode 0600 on /dev/nbdN, which root owns); on thread"
                    + " kernel-device only (and the nbd-do-it threads it starts), which does all the kernel device"
                    + " work; no other thread keeps any."));
            n.ctl("role", "primary", "r").expect(0);
            // The first ioctl fails on the stand-in: so the device was made root's, dev/hast/r made
            // (and removed again) and the device opened, all as nobody.
            Node.awaitTrue("the attempt to attach " + nbd0, () -> n.logText().contains("Unable to attach 'r' to "));
            assertTrue(n.logText().contains("Unable to attach 'r' to " + nbd0 + ": " + nbd0
                    + ": NBD_SET_BLKSIZE: Inappropriate ioctl for device"), n.logText());
            PosixFileAttributes device = Files.readAttributes(nbd0, PosixFileAttributes.class);
            assertEquals("root root rw-------", device.owner().getName() + " " + device.group().getName() + " "
                    + PosixFilePermissions.toString(device.permissions()), "the device is root's alone");
            Path hast = dev.resolve("hast");
            PosixFileAttributes folder = Files.readAttributes(hast, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertEquals("root root rwxr-xr-x true", folder.owner().getName() + " " + folder.group().getName() + " "
                    + PosixFilePermissions.toString(folder.permissions()) + " " + folder.isDirectory(),
                    "dev/hast is made, and root's");
            try (Stream<Path> links = Files.list(hast)) {
                assertEquals(List.of(), links.toList(), "the link goes with the failed attachment");
            }
            List<Task> tasks = tasks();
            assertAccount(tasks);
            List<Task> capable = new ArrayList<>();
            for (Task t : tasks) {
                if (!t.get("CapEff").equals(NONE) || !t.get("CapPrm").equals(NONE)) {
                    capable.add(t);
                }
            }
            assertEquals(1, capable.size(), "one thread keeps capabilities: " + capable);
            Task kernel = capable.get(0);
            assertEquals("kernel-device", kernel.comm(), kernel.toString());
            assertEquals(DEVICE_WORK, kernel.get("CapEff"), kernel.toString());
            assertEquals(DEVICE_WORK, kernel.get("CapPrm"), kernel.toString());
            assertTrue(n.logText().contains("Privileges successfully dropped to nobody"), n.logText());
        }
    }

    private static int groupId(String name) throws IOException {
        return Files.readAllLines(Path.of("/etc/group")).stream().map(l -> l.split(":"))
                .filter(f -> f[0].equals(name)).map(f -> Integer.parseInt(f[2])).findFirst().orElseThrow();
    }

    /**
     * hastd with a resource on a 16 MiB file nobody owns, started as root and dropped to nobody,
     * looking for the nbd driver under {@code root}.
     */
    private Node dropped(Path root) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path disk = dir.resolve("disk.img");
        Node.disk(disk, 16 * MIB);
        Node n = Node.solo(dir, disk, List.of("export uds://" + dir.resolve("run/nbd.sock")));
        n.ctl("create", "r").expect(0);
        Files.setOwner(disk, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        n.env("HASTD_NBD_ROOT", root.toString());
        n.start("-u", "nobody", "-P", dir.resolve("hastd.pid").toString());
        Node.awaitTrue("the privilege drop", () -> n.logText().contains("Privileges successfully dropped to nobody"));
        return n;
    }

    /** Every thread of the daemon's JVM, whose pid the pid file holds. */
    private List<Task> tasks() throws IOException {
        String pid = Files.readString(dir.resolve("hastd.pid")).strip();
        List<Task> tasks = new ArrayList<>();
        try (Stream<Path> listed = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path task : listed.toList()) {
                Map<String, String> status = new TreeMap<>();
                List<String> lines;
                String comm;
                try {
                    lines = Files.readAllLines(task.resolve("status"));
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (NoSuchFileException ended) {
                    continue;   // a thread that ended since the listing
                }
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    if (READ.contains(line.substring(0, colon))) {
                        status.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
                    }
                }
                tasks.add(new Task(comm, status));
            }
        }
        assertTrue(tasks.size() > 5, "the JVM's threads: " + tasks);
        return tasks;
    }

    /** Real, effective, saved and file-system ids all nobody's, its own group alone, nothing inherited by a hook. */
    private static void assertAccount(List<Task> tasks) throws IOException {
        String[] nobody = Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":"))
                .filter(f -> f[0].equals("nobody")).findFirst().orElseThrow();
        String uid = nobody[2];
        String gid = nobody[3];
        for (Task t : tasks) {
            assertEquals(String.join(" ", uid, uid, uid, uid), t.get("Uid"), t.toString());
            assertEquals(String.join(" ", gid, gid, gid, gid), t.get("Gid"), t.toString());
            assertEquals(gid, t.get("Groups"), t.toString());
            assertEquals(NONE, t.get("CapInh"), t.toString());
            assertEquals(NONE, t.get("CapAmb"), t.toString());
        }
    }
}
