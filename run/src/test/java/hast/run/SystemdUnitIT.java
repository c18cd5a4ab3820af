package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run/systemd/hastd.service as far as this machine allows (systemd is not PID 1 here, so the unit
 * is not started by systemd itself): systemd-analyze verifies it, and the launcher it runs,
 * given a NOTIFY_SOCKET as systemd would, sends READY=1 there only once hastd answers.
 */
class SystemdUnitIT {
    private static final Path UNIT = Node.RUN.resolve("systemd/hastd.service").toAbsolutePath();

    @TempDir
    Path dir;
    private Node alpha;
    private Process listener;

    @AfterEach
    void stop() throws Exception {
        if (alpha != null) {
            alpha.close();
        }
        if (listener != null) {
            listener.destroyForcibly().waitFor();
        }
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit() throws Exception {
        // The unit as installed, with the launchers where this build has them.
        String unit = Files.readString(UNIT).replace("/opt/hast/run", Node.RUN.toAbsolutePath().toString());
        assertTrue(unit.contains("\nType=notify\n"), unit);
        Path installed = Files.writeString(dir.resolve("hastd.service"), unit);
        Node.Result verified = new Node("alpha", dir, installed).run(List.of("systemd-analyze", "verify",
                installed.toString()), Map.of());
        assertEquals("", verified.err() + verified.out());
        verified.expect(0);
    }

    @Test
    void theLauncherSendsReadyOnceHastdServes() throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path received = dir.resolve("notify.txt");
        // systemd's side of the notification socket: each datagram appended to a file.
        listener = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1])",
                "while True:",
                "    d = s.recv(4096)",
                "    with open(sys.argv[2], 'ab') as f: f.write(d + b'\\n--\\n')"),
                socket.toString(), received.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("listener.log").toFile()).start();
        Node.awaitTrue("the notification socket", () -> Files.exists(socket));

        PairConf pair = new PairConf(dir);
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), pair.listenBeta);
        Node.disk(dir.resolve("alpha.img"), 4 << 20);
        alpha = new Node("alpha", dir, conf);
        alpha.hastctl("create", "-c", conf.toString(), "r0").expect(0);
        // Started as the unit does (-F), but not through Node.start, which waits for hastd itself.
        ProcessBuilder pb = new ProcessBuilder(Node.RUN.resolve("hastd").toString(), "-F", "-c", conf.toString(),
                "-u", "root").redirectErrorStream(true).redirectOutput(alpha.log().toFile());
        pb.environment().putAll(Map.of("HAST_NODE", "alpha", "TMPDIR", dir.toString(), "NOTIFY_SOCKET",
                socket.toString()));
        Process hastd = pb.start();
        try {
            Node.awaitTrue("READY=1 from the launcher", () -> read(received).contains("READY=1"));
            // Order, not time: when systemd hears READY=1, hastd answers at once.
            assertTrue(alpha.hastctl("status", "-c", conf.toString()).exit() == Node.IDLE, alpha.logText());
            assertTrue(read(received).contains("MAINPID=" + hastd.pid()), read(received));
        } finally {
            hastd.descendants().forEach(ProcessHandle::destroyForcibly);
            hastd.destroyForcibly().waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
