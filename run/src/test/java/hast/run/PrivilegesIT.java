package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * /proc/&lt;pid&gt;/task: the account's ids and groups everywhere, and no capability except
 * CAP_SYS_ADMIN on the kernel device thread where the nbd driver is present. This machine need
 * not have the driver: HASTD_NBD_ROOT points the daemon's detection at a folder that has one, or
 * that has none.
 */
class PrivilegesIT {
    private static final int MIB = 1 << 20;
    private static final String NONE = "0000000000000000";
    private static final String SYS_ADMIN = String.format("%016x", 1L << 21);

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
                    "Capabilities kept: none (no kernel nbd driver, so no thread needs CAP_SYS_ADMIN)."));
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
    void withTheNbdDriverOnlyTheKernelDeviceThreadKeepsCapSysAdmin() throws Exception {
        Path root = dir.resolve("driver");
        Files.createDirectories(root.resolve("sys/module/nbd"));
        Files.createDirectories(root.resolve("sys/block/nbd0"));
        Files.createDirectories(root.resolve("dev"));
        // A plain file nobody may open: the ioctls reach it on the kernel device thread, and fail there.
        Path nbd0 = Files.createFile(root.resolve("dev/nbd0"));
        Files.setPosixFilePermissions(nbd0, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Node n = dropped(root)) {
            Node.awaitTrue("the capability line", () -> n.logText().contains("Capability kept: CAP_SYS_ADMIN, on thread"
                    + " kernel-device only (and the nbd-do-it threads it starts), for the kernel nbd driver's ioctls;"
                    + " no other thread keeps any."));
            n.hastctl("role", "-c", n.conf.toString(), "primary", "r").expect(0);
            Node.awaitTrue("the attempt to attach " + nbd0, () -> n.logText().contains(
                    "Unable to attach 'r' to " + nbd0 + ": " + nbd0 + ": NBD_SET_BLKSIZE: Inappropriate ioctl for device"));
            List<Task> tasks = tasks();
            assertAccount(tasks);
            List<Task> capable = new ArrayList<>();
            for (Task t : tasks) {
                if (!t.get("CapEff").equals(NONE) || !t.get("CapPrm").equals(NONE)) {
                    capable.add(t);
                }
            }
            assertEquals(1, capable.size(), "one thread keeps a capability: " + capable);
            Task kernel = capable.get(0);
            assertEquals("kernel-device", kernel.comm(), kernel.toString());
            assertEquals(SYS_ADMIN, kernel.get("CapEff"), kernel.toString());
            assertEquals(SYS_ADMIN, kernel.get("CapPrm"), kernel.toString());
            assertTrue(n.logText().contains("Privileges successfully dropped to nobody"), n.logText());
        }
    }

    /**
     * hastd with a resource on a 16 MiB file nobody owns, started as root and dropped to nobody,
     * looking for the nbd driver under {@code root}.
     */
    private Node dropped(Path root) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(16 * MIB);
        }
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n", "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(), "export uds://" + dir.resolve("run/nbd.sock"),
                "resource r {", " on solo {", "  local " + disk, "  remote none", " }", "}", ""));
        Node n = new Node("solo", dir, conf);
        n.hastctl("create", "-c", conf.toString(), "r").expect(0);
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
