package hast.engine.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.concurrent.TimeUnit;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.engine.local.FileProvider;
import hast.posix.Account;
import hast.posix.Credentials;
import hast.posix.KernelDeviceThread;
import hast.posix.NbdDriver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop itself runs in a child JVM (it cannot be undone): as root, it becomes {@code nobody},
 * keeps what it had open, and can open only what nobody may.
 */
class PrivilegesTest {
    @TempDir
    Path dir;

    @Test
    void aNamedUserThatDoesNotExistIsAConfigurationError() {
        HastException e = assertThrows(HastException.class, () -> Privileges.target("no-such-user-here", null));
        assertEquals(Sysexits.EX_CONFIG, e.status());
        assertEquals("Unable to drop privileges: user no-such-user-here does not exist.", e.getMessage());
        HastException configured = assertThrows(HastException.class, () -> Privileges.target(null, "no-such-user-here"));
        assertEquals(e.getMessage(), configured.getMessage());
    }

    @Test
    void theFlagWinsOverTheFileAndRootMeansStayingRoot() throws Exception {
        assertEquals("nobody", Privileges.target("nobody", "root").orElseThrow().name());
        assertTrue(Privileges.target("root", "nobody").isEmpty());
        assertEquals(Account.lookup(Privileges.DEFAULT_USER).map(Account::name), Privileges.target(null, null)
                .map(Account::name), "hast by default when it exists, nothing otherwise");
    }

    @Test
    void afterTheDropOnlyWhatTheUserMayOpenOpensAndRootCannotBeRegained() throws Exception {
        Account nobody = Account.lookup("nobody").orElseThrow();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rootOnly = disk("root-only.img");
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
        Path owned = disk("owned.img");
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(owned, users.lookupPrincipalByName("nobody"));

        List<String> out = runAsChild(Probe.class, rootOnly.toString(), owned.toString());
        assertEquals("held: 42", out.get(0), "what was open before the drop stays usable: " + out);
        assertEquals("Uid:\t" + nobody.uid() + "\t" + nobody.uid() + "\t" + nobody.uid() + "\t" + nobody.uid(),
                out.get(1), "real, effective, saved and file-system uid");
        assertEquals("Gid:\t" + nobody.gid() + "\t" + nobody.gid() + "\t" + nobody.gid() + "\t" + nobody.gid(),
                out.get(2));
        assertEquals("root-only: " + rootOnly + ": open: Permission denied", out.get(3));
        assertEquals("owned: 1048576", out.get(4));
        assertEquals("root regained: false", out.get(5));
    }

    @Test
    void theAccountKeepsOnlyItsPrimaryGroupAndTheGroupsOwningALocalComponent() throws Exception {
        int disk = groupId("disk");
        int users = groupId("users");
        Account account = new Account("x", 4242, 4242, new int[] {4242, disk, users, 0});
        Path shared = disk("shared.img");
        Files.setAttribute(shared, "unix:gid", disk);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw----"));
        Path readOnly = disk("read-only.img");
        Files.setAttribute(readOnly, "unix:gid", users);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rw-r-----"));

        Account narrowed = Privileges.narrow(account, List.of(shared, readOnly, dir.resolve("not-created-yet.img")));
        assertEquals(new Account("x", 4242, 4242, new int[] {4242, disk}), narrowed,
                "a group that may only read a component, root's group and the rest are left behind");
    }

    @Test
    void whereTheNbdDriverIsOnlyTheKernelDeviceThreadAndThoseItStartsKeepTheDeviceCapabilities() throws Exception {
        Path driver = Files.createDirectories(dir.resolve("driver/sys/module/nbd")).getParent().getParent().getParent();
        Files.createDirectories(driver.resolve("dev"));
        Files.createFile(driver.resolve("dev/nbd0"));
        List<String> out = runAsChild(CapabilityProbe.class, driver.toString());
        List<String> tasks = out.stream().filter(l -> l.startsWith("task ")).toList();
        assertTrue(tasks.size() > 5, "every thread of the JVM is listed: " + out);
        // CAP_CHOWN 0, CAP_DAC_OVERRIDE 1, CAP_FOWNER 3, CAP_SYS_ADMIN 21, and no other.
        String device = String.format("%016x", 0x20000bL);
        for (String task : tasks) {
            boolean kernel = task.startsWith("task kernel-device:") || task.startsWith("task nbd-do-it probe:");
            assertEquals(kernel ? device + " " + device : "0000000000000000 0000000000000000",
                    task.substring(task.indexOf(':') + 2), task);
        }
        assertTrue(tasks.contains("task kernel-device: " + device + " " + device), out.toString());
        assertTrue(tasks.contains("task nbd-do-it probe: " + device + " " + device),
                "a thread the kernel device thread starts holds the same set: " + out);
        assertTrue(out.contains("root regained on kernel-device: false"), "without CAP_SETUID root stays out of reach: " + out);
    }

    @Test
    void withoutTheNbdDriverNoThreadKeepsACapability() throws Exception {
        List<String> out = runAsChild(CapabilityProbe.class, dir.toString());
        List<String> tasks = out.stream().filter(l -> l.startsWith("task ")).toList();
        assertTrue(tasks.size() > 5, "every thread of the JVM is listed: " + out);
        for (String task : tasks) {
            assertTrue(task.endsWith(": 0000000000000000 0000000000000000"), task);
        }
        assertTrue(tasks.stream().noneMatch(t -> t.startsWith("task kernel-device:")), "no such thread: " + out);
        assertTrue(out.contains("root regained on kernel-device: none"), out.toString());
    }

    private static int groupId(String name) throws IOException {
        return Files.readAllLines(Path.of("/etc/group")).stream().map(l -> l.split(":"))
                .filter(f -> f[0].equals(name)).map(f -> Integer.parseInt(f[2])).findFirst().orElseThrow();
    }

    private Path disk(String name) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        return p;
    }

    private static List<String> runAsChild(Class<?> main, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.contains(" INFO") && !l.startsWith("INFO:") && !l.contains("Privileges ")).toList();
    }

    /** In the child: opens a provider as root, drops to nobody, then reports what it can still do. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            try (FileProvider held = FileProvider.open(Path.of(args[0]), false)) {
                Privileges.drop(Privileges.target("nobody", null).orElseThrow(),
                        new KernelDeviceThread(new NbdDriver(Path.of(args[0]).getParent())));
                held.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 4096);
                java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(1);
                held.read(back, 4096);
                System.out.println("held: " + back.get(0));
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
                        System.out.println(line);
                    }
                }
                try (FileProvider again = FileProvider.open(Path.of(args[0]), false)) {
                    System.out.println("root-only: opened");
                } catch (IOException e) {
                    System.out.println("root-only: " + e.getMessage());
                }
                try (FileProvider mine = FileProvider.open(Path.of(args[1]), false)) {
                    System.out.println("owned: " + mine.size());
                }
                System.out.println("root regained: " + Credentials.regainRoot());
            }
        }
    }

    /**
     * In the child: with the nbd driver looked for under {@code args[0]}, drops to nobody, starts a
     * thread from the kernel device thread, then lists every thread's effective and permitted sets.
     */
    static final class CapabilityProbe {
        public static void main(String[] args) throws Exception {
            KernelDeviceThread kernelDevice = new KernelDeviceThread(new NbdDriver(Path.of(args[0])));
            Privileges.drop(Privileges.target("nobody", null).orElseThrow(), kernelDevice);
            java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            if (kernelDevice.exists()) {
                kernelDevice.start("nbd-do-it probe", () -> {
                    started.countDown();
                    try {
                        end.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                started.await();
                System.out.println("root regained on kernel-device: "
                        + kernelDevice.run(Credentials::regainRoot));
            } else {
                System.out.println("root regained on kernel-device: none");
            }
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    String effective = "";
                    String permitted = "";
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("CapEff:")) {
                            effective = line.substring(7).strip();
                        } else if (line.startsWith("CapPrm:")) {
                            permitted = line.substring(7).strip();
                        }
                    }
                    System.out.println("task " + comm + ": " + effective + " " + permitted);
                }
            }
            end.countDown();
        }
    }
}
