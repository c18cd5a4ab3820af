package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an administrator meets it: installed on this machine with apt-get, hastd
 * started from it as its unit starts it, the manual pages found by man, then purged. The test
 * leaves the machine as it found it (the hast account too, when it made it).
 */
class PackageIT {
    private static final Duration APT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void installsStartsAndPurgesCleanly() throws Exception {
        Path deb;
        try (Stream<Path> built = Files.list(Node.BUILD)) {
            deb = built.filter(p -> p.getFileName().toString().matches("hast_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no hast_*_all.deb in " + Node.BUILD));
        }
        Node shell = new Node("pkg", dir, dir.resolve("unused.conf"));
        assertEquals("0", shell.run(List.of("id", "-u"), Map.of()).out().strip(), "installing a package needs root");
        assertFalse(shell.run(List.of("dpkg-query", "-W", "hast"), Map.of()).exit() == 0,
                "a hast package is installed on this machine already: this test would remove it");
        assertFalse(Files.exists(Path.of("/etc/hast.conf")), "/etc/hast.conf exists: this test would replace it");
        boolean hadAccount = shell.run(List.of("getent", "passwd", "hast"), Map.of()).exit() == 0;
        ProcessHandle hastd = null;
        Throwable failure = null;
        try {
            shell.run(List.of("apt-get", "install", "-y", "--no-install-recommends", deb.toAbsolutePath().toString()),
                    Map.of("DEBIAN_FRONTEND", "noninteractive"), APT).expect(0);

            // What the package put where README says.
            assertEquals("/opt/hast/run/hastd", Files.readSymbolicLink(Path.of("/usr/sbin/hastd")).toString());
            assertTrue(Files.isRegularFile(Path.of("/opt/hast/run/target/hast.jar")));
            assertTrue(Files.isRegularFile(Path.of("/lib/systemd/system/hastd.service")));
            String account = shell.run(List.of("id", "hast"), Map.of()).expect(0).out();
            assertTrue(account.contains("(disk)"), account);
            Node.Result man = shell.run(List.of("man", "-P", "cat", "hastctl"), Map.of("MANWIDTH", "80")).expect(0);
            assertTrue(man.out().contains("hastctl") && man.out().contains("loglevel"), man.out());
            shell.run(List.of("man", "-w", "hast.conf"), Map.of()).expect(0);
            shell.run(List.of("systemd-analyze", "verify", "/lib/systemd/system/hastd.service"), Map.of()).expect(0);

            // The example configuration is valid as shipped, and hastd starts from the package as
            // the unit runs it (systemd is not PID 1 here): it drops to the package's account.
            Node.Result check = shell.run(List.of("env", "-u", "HAST_JAR", "/usr/sbin/hastd", "-t"), Map.of()).expect(0);
            assertTrue(check.out().startsWith("/etc/hast.conf: valid for this node"), check.out());
            // Started the classic way, in the background: the launcher returns once hastd serves,
            // which is after its drop to the package's account (the daemon must still reach the
            // launcher's ready file then).
            Path log = dir.resolve("hastd.log");
            shell.run(List.of("env", "-u", "HAST_JAR", "/usr/sbin/hastd"), Map.of("HASTD_LOG", log.toString())).expect(0);
            long pid = Long.parseLong(Files.readString(Path.of("/var/run/hastd.pid")).strip());
            hastd = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("hastd exited: " + read(log)));
            assertTrue(read(log).contains("Privileges successfully dropped to hast"), read(log));
            String uid = shell.run(List.of("id", "-u", "hast"), Map.of()).expect(0).out().strip();
            String ids = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertEquals("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid, ids);
            Node.Result status = shell.run(List.of("env", "-u", "HASTCTL_LIB", "/usr/sbin/hastctl", "status"), Map.of());
            assertEquals(Node.COMPLETE, status.exit(), status.err());
            hastd.destroy();
            ProcessHandle stopping = hastd;
            Node.awaitTrue("hastd to stop on SIGTERM", () -> !stopping.isAlive());
            hastd = null;
        } catch (AssertionError | Exception e) {
            failure = e;
            throw e;
        } finally {
            if (hastd != null) {
                hastd.destroyForcibly();
            }
            // A daemon the test lost track of (it failed before taking its pid) is stopped too.
            Path pidfile = Path.of("/var/run/hastd.pid");
            if (Files.exists(pidfile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidfile).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
            shell.run(List.of("apt-get", "purge", "-y", "hast"), Map.of("DEBIAN_FRONTEND", "noninteractive"), APT);
            if (!hadAccount) {
                // Any hastd started without -u while the account existed runs as hast: wait for it.
                try {
                    Node.awaitTrue("no process of the hast account", () -> run(shell, "pgrep", "-u", "hast") != 0);
                } catch (AssertionError e) {
                    if (failure != null) {
                        e.addSuppressed(failure);  // what went wrong first
                    }
                    throw e;
                }
                shell.run(List.of("userdel", "hast"), Map.of()).expect(0);
                shell.run(List.of("groupdel", "hast"), Map.of());  // gone with the user, unless USERGROUPS_ENAB is off
            }
        }
        assertFalse(Files.exists(Path.of("/usr/sbin/hastd")) || Files.exists(Path.of("/opt/hast/run/target/hast.jar"))
                || Files.exists(Path.of("/etc/hast.conf")), "purge left files behind");
    }

    private static int run(Node shell, String... cmd) {
        try {
            return shell.run(List.of(cmd), Map.of()).exit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
