package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hastd and hastctl as processes: their exit statuses and messages on each error path. */
class DaemonIT {
    @TempDir
    Path dir;
    /** One port for every daemon of a test: a second daemon must fail on pidfile or socket, not on this. */
    private final int listenPort = freshPort();

    private static int freshPort() {
        try {
            return Node.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Node node(String config) throws Exception {
        Path conf = dir.resolve("hast.conf");
        Files.writeString(conf, config);
        return new Node("solo", dir, conf);
    }

    private String basicConfig() {
        return String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + listenPort,
                "pidfile " + dir.resolve("hastd.pid"),
                "export uds://" + dir.resolve("nbd.sock"), "");
    }

    private Node.Result hastd(Node n, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Node.RUN.resolve("hastd").toString()));
        cmd.addAll(List.of(args));
        return n.run(cmd, Map.of("HASTD_LOG", dir.resolve("bg.log").toString()));
    }

    @Test
    void helpAndBadUsage() throws Exception {
        Node n = node(basicConfig());
        Node.Result help = hastd(n, "-h").expect(0);
        assertTrue(help.out().startsWith("usage: hastd [-dFh] [-c config] [-P pidfile] [-u user]"), help.out());
        Node.Result bad = hastd(n, "-F", "-x").expect(64);
        assertTrue(bad.err().contains("unknown option -x"), bad.err());
    }

    @Test
    void anInvalidConfigurationIsRefusedWithFileLineAndStatus78() throws Exception {
        Node n = node("resource r {\n  on solo {\n    local /x\n    remote none\n    bogus 3\n  }\n}\n");
        Node.Result r = hastd(n, "-F", "-c", n.conf.toString()).expect(78);
        assertTrue(r.err().contains(n.conf + ":5: "), r.err());
    }

    @Test
    void aMissingConfigurationExits72AndBackgroundStartReportsIt() throws Exception {
        Node n = node(basicConfig());
        Path missing = dir.resolve("missing.conf");
        Node.Result fg = hastd(n, "-F", "-c", missing.toString()).expect(72);
        assertTrue(fg.err().contains(missing + ": no such file"), fg.err());
        Node.Result bg = hastd(n, "-c", missing.toString()).expect(72);
        assertTrue(bg.err().contains("failed to start"), bg.err());
    }

    @Test
    void backgroundStartWritesThePidfileAndASecondDaemonIsRefused() throws Exception {
        Node n = node(basicConfig());
        hastd(n, "-c", n.conf.toString()).expect(0);
        Path pidfile = dir.resolve("hastd.pid");
        long pid = Long.parseLong(Files.readString(pidfile).trim());
        try {
            n.hastctl("status", "-c", n.conf.toString()).expect(0);
            Node.Result second = hastd(n, "-F", "-P", pidfile.toString(), "-c", n.conf.toString()).expect(75);
            assertTrue(second.err().contains("Another hastd is already running, pidfile: " + pidfile + ", pid: " + pid),
                    second.err());
            // Without a pidfile (-F), the live control socket still keeps a second daemon out.
            Node.Result third = hastd(n, "-F", "-c", n.conf.toString()).expect(71);
            assertTrue(third.err().contains("is in use: another hastd is running with it."), third.err());
            n.hastctl("status", "-c", n.conf.toString()).expect(0);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        Node.awaitTrue("the daemon to stop and remove its pidfile", () -> !Files.exists(pidfile));
        n.hastctl("status", "-c", n.conf.toString()).expect(71);
    }

    @Test
    void hastctlWithoutADaemonOrWithABadConfig() throws Exception {
        Node n = node(basicConfig());
        Node.Result none = n.hastctl("list", "-c", n.conf.toString()).expect(71);
        assertTrue(none.err().startsWith("Unable to connect to hastd via uds://" + dir.resolve("ctl.sock")), none.err());
        Files.writeString(n.conf, "timeout 0\n");
        Node.Result bad = n.hastctl("status", "-c", n.conf.toString()).expect(78);
        assertTrue(bad.err().contains("Negative or zero timeout."), bad.err());
        n.hastctl("frobnicate").expect(64);
        n.hastctl("--help").expect(0);
    }

    @Test
    void createRefusesProblemsWithTheReferenceStatuses() throws Exception {
        Node n = node(basicConfig() + "resource r {\n on solo {\n  local " + dir.resolve("disk.img") + "\n  remote none\n }\n}\n");
        Node.Result missing = n.hastctl("create", "-c", n.conf.toString(), "r").expect(66);
        assertTrue(missing.err().contains("disk.img"), missing.err());
        try (var f = new java.io.RandomAccessFile(dir.resolve("disk.img").toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        n.hastctl("create", "-c", n.conf.toString(), "-e", "3M", "r").expect(65);
        Node.Result tooBig = n.hastctl("create", "-c", n.conf.toString(), "-m", "1G", "r").expect(65);
        assertTrue(tooBig.err().contains("Provided mediasize is larger than provider"), tooBig.err());
        n.hastctl("create", "-c", n.conf.toString(), "ghost").expect(65);
        n.hastctl("create", "-c", n.conf.toString(), "-e", "1M", "-k", "16", "r").expect(0);
        Node.Result dump = n.hastctl("dump", "-c", n.conf.toString(), "r").expect(0);
        assertTrue(dump.out().contains("extentsize: 1048576 (1.0MB)") && dump.out().contains("keepdirty: 16"), dump.out());
        Files.write(dir.resolve("disk.img"), new byte[64], java.nio.file.StandardOpenOption.WRITE);
        Node.Result torn = n.hastctl("dump", "-c", n.conf.toString(), "r").expect(65);
        assertTrue(torn.err().contains("torn or corrupted") || torn.err().contains("does not hold HAST metadata"), torn.err());
    }
}
