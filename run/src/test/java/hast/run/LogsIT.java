package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hastd's log as a service manager and logrotate see it: syslog priorities and no timestamps when
 * standard error is the journal, the level changed while the daemon runs, and a background
 * daemon's log file reopened on SIGUSR1.
 */
class LogsIT {
    @TempDir
    Path dir;

    private Node node() throws Exception {
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(),
                "pidfile " + dir.resolve("hastd.pid"),
                "export uds://" + dir.resolve("nbd.sock"), ""));
        return new Node("solo", dir, conf);
    }

    @Test
    void inTheJournalEachLineCarriesItsPriorityAndTheLevelChangesWhileRunning() throws Exception {
        try (Node n = node()) {
            // systemd names the journal's stream in JOURNAL_STREAM by its device and inode; the log
            // file stands in for it: hastd's standard error is that file.
            Files.createFile(n.log());
            n.env("JOURNAL_STREAM", Files.getAttribute(n.log(), "unix:dev") + ":" + Files.getAttribute(n.log(), "unix:ino"));
            String c = n.conf.toString();
            Files.writeString(n.conf, Files.readString(n.conf) + "resource r {\n on solo {\n  local "
                    + dir.resolve("disk.img") + "\n  remote none\n }\n}\n");
            Node.disk(dir.resolve("disk.img"), 8 << 20);
            n.hastctl("create", "-c", c, "-e", "1M", "r").expect(0);
            n.start();
            Node.awaitTrue("the start line", () -> n.logText().contains("<6>Started successfully"));

            n.hastctl("reload", "-c", c).expect(0);
            Node.awaitTrue("the reload at info", () -> n.logText().contains("<6>Configuration reloaded successfully."));
            n.hastctl("role", "-c", c, "secondary", "r").expect(0);
            Node.awaitTrue("the role change at info", () -> n.logText().contains("<6>[r] Role changed to secondary."));
            assertFalse(n.logText().contains("event role"), "events are logged at debug only");

            assertEquals("info\n", n.hastctl("loglevel", "-c", c).expect(0).out());
            assertEquals("debug\n", n.hastctl("loglevel", "-c", c, "debug").expect(0).out());
            n.hastctl("role", "-c", c, "init", "r").expect(0);
            Node.awaitTrue("the role event at debug", () -> n.logText().contains("<7>[r] event role"));

            Files.writeString(n.conf, "timeout 0\n" + Files.readString(n.conf));
            // hastctl would refuse the file itself; SIGHUP makes the daemon read it.
            n.run(List.of("kill", "-HUP", Long.toString(n.jvm().pid())), Map.of()).expect(0);
            Node.awaitTrue("a refused reload at err", () -> n.logText().contains("<3>Configuration not reloaded: "));

            for (String line : n.logText().lines().toList()) {
                assertTrue(line.matches("<[3467]>.*"), "a line without its priority: " + line);
                assertFalse(line.matches("<\\d>\\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d.*"), "a line with a timestamp: " + line);
            }
        }
    }

    @Test
    void withoutTheJournalLinesKeepTheirTimestamp() throws Exception {
        try (Node n = node()) {
            n.env("JOURNAL_STREAM", "1:1").start();  // inherited from a unit, but standard error went elsewhere
            Node.awaitTrue("the start line", () -> n.logText().contains("Started successfully"));
            String start = n.logText().lines().filter(l -> l.contains("Started successfully")).findFirst().orElseThrow();
            assertTrue(start.matches("\\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} hastd\\[\\d+\\]: Started successfully.*"), start);
        }
    }

    @Test
    void aBackgroundDaemonReopensItsLogFileOnSigusr1() throws Exception {
        Node n = node();
        Path log = dir.resolve("bg.log");
        Path rotated = dir.resolve("bg.log.1");
        n.run(List.of(Node.RUN.resolve("hastd").toString(), "-c", n.conf.toString()), Map.of("HASTD_LOG", log.toString()))
                .expect(0);
        long pid = Long.parseLong(Files.readString(dir.resolve("hastd.pid")).trim());
        try {
            assertTrue(Files.readString(log).contains("Started successfully"));
            Files.move(log, rotated);  // as logrotate does, before it signals
            n.run(List.of("kill", "-USR1", Long.toString(pid)), Map.of()).expect(0);
            Node.awaitTrue("the log reopened", () -> read(log).contains("Log file " + log + " reopened."));
            n.ctl("reload").expect(0);
            Node.awaitTrue("the reload in the new file", () -> read(log).contains("Configuration reloaded"));
            assertFalse(Files.readString(rotated).contains("Configuration reloaded"), Files.readString(rotated));
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            Node.awaitTrue("the daemon to stop", () -> ProcessHandle.of(pid).isEmpty());
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
