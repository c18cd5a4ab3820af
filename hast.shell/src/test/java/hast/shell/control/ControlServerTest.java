package hast.shell.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;

import hast.engine.transport.UdsTransport;
import hast.shell.ctl.TestNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket over a real Unix-domain socket, with well-formed and hostile clients. */
class ControlServerTest {
    @TempDir
    Path dir;
    private Path socket;
    private ControlServer server;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("ctl.sock");
        TestNode node = TestNode.at(socket);
        server = new ControlServer(node, node, new UdsTransport());
    }

    @AfterEach
    void stop() throws IOException {
        server.deactivate();
    }

    @Test
    void runsACommandAndReturnsItsOutputAndStatus() throws IOException {
        ControlProtocol.Reply ok = request(List.of("status"));
        assertEquals(0, ok.status());
        assertTrue(new String(ok.out(), StandardCharsets.UTF_8).startsWith("Name\tStatus"));
        ControlProtocol.Reply bad = request(List.of("list", "ghost"));
        assertEquals(1, bad.status());
        ControlProtocol.Reply usage = request(List.of("frobnicate"));
        assertEquals(64, usage.status());
        assertTrue(new String(usage.err(), StandardCharsets.UTF_8).contains("unknown subcommand"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void hostileClientsAreAnsweredOrDroppedAndTheServerKeepsServing() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            send(junk);
        }
        send("HCTL".getBytes(StandardCharsets.US_ASCII));          // truncated header
        send(ByteBuffer.allocate(9).put("HCTL".getBytes()).put((byte) 9).putInt(1).array()); // wrong version
        send(ByteBuffer.allocate(13).put("HCTL".getBytes()).put((byte) 1).putInt(1).putInt(Integer.MAX_VALUE).array());
        ControlProtocol.Reply huge = rawReply(ByteBuffer.allocate(9).put("HCTL".getBytes()).put((byte) 1).putInt(100_000).array());
        assertEquals(64, huge.status());
        assertTrue(new String(huge.err(), StandardCharsets.UTF_8).contains("malformed control request"));
        assertEquals(0, request(List.of("status")).status());
    }

    private ControlProtocol.Reply request(List<String> args) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ControlProtocol.writeRequest(ch, args);
            return ControlProtocol.readReply(ch);
        }
    }

    private ControlProtocol.Reply rawReply(byte[] bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(bytes));
            return ControlProtocol.readReply(ch);
        }
    }

    /** Sends bytes and reads until the server answers or hangs up, so the next client is not raced. */
    private void send(byte[] bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(bytes));
            ch.shutdownOutput();
            ByteBuffer sink = ByteBuffer.allocate(4096);
            try {
                while (ch.read(sink) >= 0) {
                    sink.clear();
                }
            } catch (java.net.SocketException reset) {
                // Dropped with unread bytes pending: a refusal too.
            }
        }
    }
}
