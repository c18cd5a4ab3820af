package hast.shell.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import hast.api.HastException;
import hast.shell.control.ControlServer;
import hast.shell.ctl.TestNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework-free client: local subcommands here, daemon subcommands over a real control socket. */
class HastctlClientTest {
    @TempDir
    Path dir;
    private Path socket;
    private Path conf;
    private TestNode daemon;
    private ControlServer server;
    private HastctlClient client;

    private record Run(int status, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException, HastException {
        socket = dir.resolve("ctl.sock");
        conf = dir.resolve("hast.conf");
        Files.writeString(conf, "uds://" + socket + "\n");
        daemon = new TestNode(socket);
        server = new ControlServer(daemon, daemon, daemon, ControlServer.DEFAULT_TIMEOUT);
        client = new HastctlClient(HastctlClient.findAdmin());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = client.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theNodeAdminComesFromTheServiceLoader() throws HastException {
        assertInstanceOf(ConfigFileAdmin.class, HastctlClient.findAdmin());
    }

    @Test
    void daemonSubcommandsRunInTheDaemonWithItsOutputAndStatus() {
        Run status = run("status", "-c", conf.toString(), "backup");
        assertEquals(new Run(0, "Name\tStatus\t Role\t\tComponents\nbackup\tcomplete secondary      /dev/sdc\ttcp://10.0.0.1\n",
                ""), status);
        assertEquals(new Run(1, "ghost:\n  error: 1\n", ""), run("list", "-c", conf.toString(), "ghost"));
        assertEquals(new Run(0, "", "[shared] Role changed from primary to init.\n"),
                run("-d", "-c", conf.toString(), "role", "init", "shared"));
        assertEquals(new Run(0, "", ""), run("reload", "-c" + conf));
        assertEquals(List.of("role shared init", "reload"), daemon.calls);
    }

    @Test
    void createDumpHelpAndUsageErrorsRunHereWithoutTheDaemon() {
        server.deactivate();
        server = null;
        Run dump = run("dump", "-c", conf.toString(), "idle");
        assertEquals(0, dump.status(), dump.err());
        assertTrue(dump.out().startsWith("resource: idle\n    datasize: 1099511558144 (1.0TB)\n"), dump.out());
        assertEquals(new Run(65, "", "Unknown resource ghost.\n"), run("create", "-c", conf.toString(), "ghost"));
        assertEquals(0, run("create", "-c", conf.toString(), "-e", "1M", "idle").status());
        assertEquals(0, run("--help").status());
        assertEquals(0, run("role", "-h").status());
        Run usage = run("role", "-c", conf.toString(), "master", "all");
        assertEquals(64, usage.status());
        assertTrue(usage.err().startsWith("hastctl: Invalid role 'master'"), usage.err());
        assertTrue(daemon.calls.isEmpty(), "nothing reached the daemon's node");
    }

    @Test
    void discardAsksOnATerminalAndRunsOnlyWhenTheAnswerIsYes() throws HastException {
        List<String> args = List.of("discard", "-c", conf.toString(), "backup");
        List<String> asked = new ArrayList<>();
        assertEquals(List.of("-y", "discard", "-c", conf.toString(), "backup"),
                HastctlClient.confirmed(args, q -> {
                    asked.add(q);
                    return "yes";
                }));
        assertEquals(1, asked.size());
        assertEquals(1, assertThrows(HastException.class, () -> HastctlClient.confirmed(args, q -> "n")).status());
        assertEquals(1, assertThrows(HastException.class, () -> HastctlClient.confirmed(args, q -> null)).status(),
                "end of input is no");
        assertEquals(args, HastctlClient.confirmed(args, null), "without a terminal hastd asks for -y");
        assertEquals(List.of("status"), HastctlClient.confirmed(List.of("status"), q -> {
            throw new AssertionError("nothing to ask");
        }));
        Run refused = run(args.toArray(String[]::new));
        assertEquals(64, refused.status());
        assertTrue(refused.err().contains("confirm with -y"), refused.err());
        assertEquals(0, run("discard", "-y", "-c", conf.toString(), "backup").status());
        assertEquals(List.of("discard backup"), daemon.calls);
    }

    @Test
    void noDaemonListeningIsExit71NamingTheAddress() {
        server.deactivate();
        server = null;
        Run r = run("status", "-c", conf.toString());
        assertEquals(71, r.status());
        assertTrue(r.err().startsWith("Unable to connect to hastd via uds://" + socket + ": "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnreadableConfigurationIsReportedWithTheBackendsStatus() {
        Run r = run("list", "-c", dir.resolve("missing.conf").toString());
        assertEquals(72, r.status());
        assertTrue(r.err().startsWith("Unable to open configuration file " + dir.resolve("missing.conf")), r.err());
    }

    @Test
    void aControlAddressThatIsNoUnixSocketIsExit71() throws IOException {
        Files.writeString(conf, "tcp://127.0.0.1:1234");
        Run r = run("status", "-c", conf.toString());
        assertEquals(new Run(71, "", "Unable to connect to hastd via tcp://127.0.0.1:1234: only Unix-domain control "
                + "sockets (uds:///path) are supported.\n"), r);
    }

    @Test
    void aCommandLineTooLongForTheSocketIsAUsageError() {
        Run r = run("status", "-c", conf.toString(), "x".repeat(70_000));
        assertEquals(64, r.status());
        assertTrue(r.err().startsWith("hastctl: Command line of 70"), r.err());
    }

    @Test
    void somethingElseAnsweringOnTheSocketIsExit69() throws IOException {
        server.deactivate();
        server = null;
        try (ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            impostor.bind(UnixDomainSocketAddress.of(socket));
            Thread answer = new Thread(() -> {
                try (SocketChannel c = impostor.accept()) {
                    // Take the request first: answering and closing under a client still writing would
                    // make its send fail (EPIPE) instead of its read of the reply.
                    c.read(ByteBuffer.allocate(64 * 1024));
                    c.write(ByteBuffer.wrap("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            answer.start();
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run("status", "-c", conf.toString()));
            assertEquals(new Run(69, "", "Cannot receive reply from hastd via uds://" + socket
                    + ": not a hastctl reply (bad magic)\n"), r);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> answer.join());
        }
    }
}
