package hast.shell.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import hast.api.event.HastEvent;
import hast.shell.ctl.TestNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket over a real Unix-domain socket, with well-behaved and hostile clients. */
class ControlServerTest {
    /** Generous: a test that needs the server's timeout uses a short one of its own. */
    private static final Duration PATIENT = Duration.ofSeconds(30);
    private static final Duration TEST_LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ControlServer server;

    private Path socket() {
        return dir.resolve("ctl.sock");
    }

    private TestNode start(Duration timeout) throws IOException {
        TestNode node = new TestNode(socket());
        server = new ControlServer(node, node, node, timeout);
        return node;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    @Test
    void runsCommandsAndReturnsTheirOutputAndStatus() throws IOException {
        TestNode node = start(PATIENT);
        ControlProtocol.Reply status = request(List.of("status", "shared"));
        assertEquals(4, status.status(), "the split-brain's exit status");
        assertEquals("Name\tStatus\t Role\t\tComponents\nshared\tdegraded primary        /dev/sdb\ttcp://10.0.0.2:8457"
                + "\tsync 25%, limit 50MB/s (50M)\n",
                text(status.out()));
        assertEquals("", text(status.err()));

        assertEquals(1, request(List.of("list", "ghost")).status());
        ControlProtocol.Reply usage = request(List.of("frobnicate"));
        assertEquals(64, usage.status());
        assertTrue(text(usage.err()).startsWith("hastctl: unknown subcommand 'frobnicate'\nusage: hastctl"), text(usage.err()));

        node.breakProvider("idle");
        ControlProtocol.Reply broken = request(List.of("role", "-c", "/ignored.conf", "primary", "idle"));
        assertEquals(66, broken.status());
        assertEquals("[idle] Unable to open /var/lib/hast/idle.img of resource idle: Permission denied\n", text(broken.err()));

        assertEquals(0, request(List.of("reload")).status());
        assertEquals(List.of("reload"), node.calls);
    }

    @Test
    void theSocketFileIsTheOwnersOnlyAndGoesAwayOnDeactivate() throws IOException {
        start(PATIENT);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
        server.deactivate();
        server = null;
        assertFalse(Files.exists(socket()));
        assertThrows(IOException.class, () -> request(List.of("status", "backup")));
    }

    @Test
    void aStaleSocketFileIsReplaced() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertTrue(Files.exists(socket()), "closing a Unix socket leaves its file behind");
        start(PATIENT);
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    @Test
    void aSocketInUseOrAFileThatIsNoSocketIsLeftAlone() throws IOException {
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket()));
            IOException e = assertThrows(IOException.class, () -> start(PATIENT));
            assertEquals("Control socket uds://" + socket() + " is in use: another hastd is running with it.", e.getMessage());
            assertTrue(Files.exists(socket()));
        }
        Files.delete(socket());
        Files.writeString(socket(), "precious");
        IOException e = assertThrows(IOException.class, () -> start(PATIENT));
        assertEquals("Control socket path " + socket() + " holds a regular file, not a socket: refusing to replace it",
                e.getMessage());
        assertEquals("precious", Files.readString(socket()));
    }

    @Test
    void malformedRequestsAreAnsweredWithTheProblem() throws IOException {
        start(PATIENT);
        assertRefused("not a hastctl request (bad magic)", header("HCTX", 1, 1));
        assertRefused("control protocol version 9 is not supported (expected 1)", header("HCTL", 9, 1));
        assertRefused("request announces 100000 arguments, more than 65536 bytes can hold", header("HCTL", 1, 100_000));
        assertRefused("request announces 4294967295 arguments", header("HCTL", 1, -1));
        assertRefused("request is longer than 65536 bytes (argument 0 alone announces 2147483647)",
                ByteBuffer.allocate(13).put(header("HCTL", 1, 1)).putInt(Integer.MAX_VALUE).array());
        assertRefused("truncated request", "HCT".getBytes(StandardCharsets.US_ASCII));
        assertRefused("truncated request", ByteBuffer.allocate(15).put(header("HCTL", 1, 1)).putInt(5).put("ab".getBytes()).array());
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    @Test
    void garbageIsAnsweredOrDroppedAndTheServerKeepsServing() throws IOException {
        start(PATIENT);
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            Optional<ControlProtocol.Reply> reply = exchange(junk);
            reply.ifPresent(r -> assertEquals(70, r.status(), text(r.err())));
        }
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    @Test
    void aCommandLineTooLongIsRefusedByTheClientAndTheServer() throws IOException {
        start(PATIENT);
        List<String> huge = List.of("status", "x".repeat(ControlProtocol.MAX_REQUEST));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlProtocol.request(huge));
        assertTrue(e.getMessage().startsWith("Command line of 65559 bytes is longer than the 65536 bytes"), e.getMessage());
        // The same frame built by hand: refused without the server reading (or allocating) it all.
        byte[] arg = huge.get(1).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(9 + 4 + 6 + 4 + arg.length).put(header("HCTL", 1, 2))
                .putInt(6).put("status".getBytes(StandardCharsets.US_ASCII)).putInt(arg.length).put(arg);
        assertRefused("request is longer than 65536 bytes", frame.array());
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    @Test
    void silentAndStallingClientsAreDroppedAfterTheTimeout() throws IOException {
        start(Duration.ofMillis(300));
        assertTimeoutPreemptively(TEST_LIMIT, () -> {
            List<SocketChannel> silent = new ArrayList<>();
            // More than the workers: each would hold one forever without the timeout.
            for (int i = 0; i < 6; i++) {
                SocketChannel ch = connect();
                if (i % 2 == 1) {
                    ch.write(ByteBuffer.wrap(header("HCTL", 1, 1)));
                }
                silent.add(ch);
            }
            for (SocketChannel ch : silent) {
                try (ch) {
                    assertEquals(-1, ch.read(ByteBuffer.allocate(64)), "dropped without an answer");
                }
            }
            assertEquals(0, request(List.of("status", "backup")).status());
        });
    }

    @Test
    void connectionsBeyondTheWorkersAndTheirQueueAreToldToTryAgain() throws IOException {
        start(PATIENT);
        assertTimeoutPreemptively(TEST_LIMIT, () -> {
            List<SocketChannel> waiting = new ArrayList<>();
            try {
                // 4 workers each hold a silent client, 16 more wait in the queue.
                for (int i = 0; i < 20; i++) {
                    waiting.add(connect());
                }
                try (SocketChannel extra = connect()) {
                    ControlProtocol.Reply busy = ControlProtocol.readReply(extra);
                    assertEquals(75, busy.status());
                    assertEquals("hastd: too many hastctl requests at once; try again.\n", text(busy.err()));
                }
            } finally {
                for (SocketChannel ch : waiting) {
                    ch.close();
                }
            }
            // The workers notice the closed clients one by one; until the queue has room the answer is still 75.
            int status = request(List.of("status", "backup")).status();
            while (status == 75) {
                status = request(List.of("status", "backup")).status();
            }
            assertEquals(0, status);
        });
    }

    @Test
    void aFailureBehindTheCommandIsReportedToTheClient() throws IOException {
        TestNode node = start(PATIENT);
        node.failWith(new IllegalStateException("engine bug"));
        ControlProtocol.Reply r = request(List.of("status"));
        assertEquals(70, r.status());
        assertEquals("hastd: internal error running the command: java.lang.IllegalStateException: engine bug\n", text(r.err()));
        node.failWith(null);
        assertEquals(4, request(List.of("status")).status(), "served again, the split-brain's status");
    }

    @Test
    void eventsStreamAsTheyComeAndEndWhenTheClientHangsUp() throws Exception {
        TestNode node = start(PATIENT);
        BlockingQueue<String> chunks = new LinkedBlockingQueue<>();
        SocketChannel ch = connect();
        ControlProtocol.writeFully(ch, ControlProtocol.request(List.of("events", "-d", "shared")));
        Thread reader = new Thread(() -> {
            try {
                ControlProtocol.readReply(ch, (stream, bytes) -> chunks.add(stream + " " + text(bytes)));
            } catch (IOException closedByTheTest) {
                chunks.add("closed");
            }
        });
        reader.start();
        String state = chunks.poll(20, TimeUnit.SECONDS);
        assertTrue(state != null && state.matches("OUT \\S+ shared state primary degraded disconnected split-brain\n"),
                state);
        assertEquals("ERR Following events of shared; interrupt to stop.\n", chunks.poll(20, TimeUnit.SECONDS));
        node.publish(new HastEvent("role", "shared", List.of("init", "primary"), java.time.Instant.EPOCH));
        assertEquals("OUT 1970-01-01T00:00:00.000Z shared role init primary\n", chunks.poll(20, TimeUnit.SECONDS),
                "the line arrives while the command goes on");
        ch.close();
        awaitTrue("the command to end once its client is gone", node.followers::isEmpty);
        reader.join();
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    @Test
    void followersDoNotHoldTheWorkersFromOtherClients() throws Exception {
        TestNode node = start(PATIENT);
        List<SocketChannel> followers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                SocketChannel ch = connect();
                ControlProtocol.writeFully(ch, ControlProtocol.request(List.of("events")));
                followers.add(ch);
            }
            awaitTrue("six followers", () -> node.followers.size() == 6);
            assertTimeoutPreemptively(TEST_LIMIT, () -> assertEquals(0, request(List.of("status", "backup")).status()));
        } finally {
            for (SocketChannel ch : followers) {
                ch.close();
            }
        }
        awaitTrue("every follower to end", node.followers::isEmpty);
    }

    @Test
    void theOwnersOwnConnectionsPassTheCredentialCheck() throws IOException {
        start(PATIENT);
        assertEquals("root", Files.getOwner(socket()).getName(), "these tests run as root, the socket's owner");
        assertEquals(0, request(List.of("status", "backup")).status());
    }

    /**
     * A client of another user, with the socket's mode opened up (as a careless chmod would):
     * the peer's credentials still keep it out. The client runs as nobody through setpriv, from a
     * copy of its class path that nobody can read.
     */
    @Test
    void aPeerThatIsNeitherTheOwnerNorRootIsRefused() throws Exception {
        start(PATIENT);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path conf = Files.writeString(dir.resolve("hast.conf"), "uds://" + socket() + "\n");
        Path classes = Files.createDirectories(dir.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (entry.contains("hast") && Files.exists(from)) {
                Path to = classes.resolve(String.valueOf(n++));
                copyReadable(from, to);
                entries.add(to.toString());
            }
        }
        Path jvm = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", jvm.toString(),
                "-cp", String.join(File.pathSeparator, entries), "hast.shell.client.HastctlClient",
                "status", "-c", conf.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(TEST_LIMIT.toSeconds(), TimeUnit.SECONDS), "the client as nobody ended");
        String output = text(p.getInputStream().readAllBytes());
        assertEquals(77, p.exitValue(), output);
        assertEquals("hastd: the control socket uds://" + socket() + " is for its owner (root) and root only; user "
                + "nobody may not use it.\n", output);
        assertEquals(0, request(List.of("status", "backup")).status(), "the owner still gets in");
    }

    private static void copyReadable(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> tree = Files.walk(from)) {
                for (Path f : (Iterable<Path>) tree::iterator) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
        } else {
            Files.copy(from, to);
        }
        try (Stream<Path> tree = Files.walk(to)) {
            for (Path f : (Iterable<Path>) tree::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TEST_LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void assertRefused(String problem, byte[] bytes) throws IOException {
        ControlProtocol.Reply r = exchange(bytes).orElseThrow(() -> new AssertionError("no answer to a malformed request"));
        assertEquals(70, r.status());
        assertEquals("", text(r.out()));
        String err = text(r.err());
        assertTrue(err.startsWith("hastd: malformed control request: " + problem), err);
    }

    private static byte[] header(String magic, int version, int argc) {
        return ByteBuffer.allocate(9).put(magic.getBytes(StandardCharsets.US_ASCII)).put((byte) version).putInt(argc).array();
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket()));
        return ch;
    }

    private ControlProtocol.Reply request(List<String> args) throws IOException {
        try (SocketChannel ch = connect()) {
            ControlProtocol.writeFully(ch, ControlProtocol.request(args));
            return ControlProtocol.readReply(ch);
        }
    }

    /** Sends raw bytes, says it has no more, and reads the answer, if the server gives one. */
    private Optional<ControlProtocol.Reply> exchange(byte[] bytes) throws IOException {
        try (SocketChannel ch = connect()) {
            ControlProtocol.writeFully(ch, ByteBuffer.wrap(bytes));
            ch.shutdownOutput();
            return Optional.of(ControlProtocol.readReply(ch));
        } catch (EOFException dropped) {
            return Optional.empty();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
