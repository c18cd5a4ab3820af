package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.engine.transport.UdsTransport;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No stranger exhausts the node through an NBD export, over real sockets: a client that says
 * nothing or trickles its negotiation is dropped at the handshake deadline, one over a place
 * limit is closed before its greeting, one that stops reading its replies is cut off at the write
 * deadline, and one outside export-allow is closed before a byte is sent to it; every time, the
 * other clients keep being served.
 */
@Timeout(120)
class ExportGuardTest {
    private static final Duration SHORT = Duration.ofMillis(700);

    private final MemoryDevice device = new MemoryDevice();
    private final List<Socket> sockets = new ArrayList<>();
    private final LogCapture log = LogCapture.of("hast");
    private ExportFixture fixture;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        log.close();
    }

    @Test
    void aClientThatSaysNothingIsDroppedAtTheHandshakeDeadline() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withTimes(SHORT, Duration.ofSeconds(60), SHORT))
                .withTransport().export(device, "mem");
        Socket silent = connect("127.0.0.1");
        assertEquals(18, readGreeting(silent), "greeted");
        long start = System.nanoTime();
        assertClosedByServer(silent, Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - start >= SHORT.toNanos() / 2, "not dropped before the deadline");
        assertNotNull(log.await("NBD negotiation with tcp://127.0.0.1:" + silent.getLocalPort() + " not done within "
                + SHORT.toMillis() + " ms (the handshake deadline)", Duration.ofSeconds(5)), "the limit is named");
        assertServed("127.0.0.1");
    }

    @Test
    void aClientThatTricklesItsNegotiationIsDroppedAtTheHandshakeDeadlineToo() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withTimes(SHORT, Duration.ofSeconds(60), SHORT))
                .withTransport().export(device, "mem");
        Socket trickler = connect("127.0.0.1");
        readGreeting(trickler);
        // A byte well within any per-read timeout, each time: only a deadline on the whole negotiation ends it.
        CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            try {
                // A well-formed negotiation: flags, then a GO for a long name, sent a byte at a time.
                byte[] name = new byte[Nbd.MAX_STRING];
                byte[] option = ByteBuffer.allocate(4 + 16 + 4 + name.length + 2).putInt(Nbd.FLAG_FIXED_NEWSTYLE)
                        .putLong(Nbd.IHAVEOPT).putInt(Nbd.OPT_GO).putInt(4 + name.length + 2).putInt(name.length)
                        .put(name).putShort((short) 0).array();
                while (n < option.length) {
                    trickler.getOutputStream().write(option[n]);
                    n++;
                    TimeUnit.MILLISECONDS.sleep(SHORT.toMillis() / 7);
                }
            } catch (IOException | InterruptedException e) {
                return n;
            }
            return n;
        });
        int bytes = sent.get(30, TimeUnit.SECONDS);
        assertTrue(bytes >= 4 && bytes < 100, "dropped while trickling its GO, after " + bytes + " bytes");
        assertServed("127.0.0.1");
    }

    @Test
    void oneConnectionOverTheNegotiatingLimitIsClosedBeforeItsGreetingAndTheOthersAreServed() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withTimes(Duration.ofSeconds(60), Duration.ofSeconds(60), SHORT)
                .withPlaces(4, 2, 64, 16)).withTransport().export(device, "mem");
        NbdClient served = fixture.client().go("mem");
        Socket a1 = connect("127.0.0.2");
        Socket a2 = connect("127.0.0.2");
        readGreeting(a1);
        readGreeting(a2);
        Socket a3 = connect("127.0.0.2");
        assertClosedBeforeGreeting(a3);
        assertTrue(log.await("Connection from 127.0.0.2 to " + fixture.address() + " refused: already 2 NBD clients"
                + " negotiating from 127.0.0.2 (at most 2)", Duration.ofSeconds(5)) != null, "the limit is named");

        Socket b1 = connect("127.0.0.3");
        Socket b2 = connect("127.0.0.3");
        readGreeting(b1);
        readGreeting(b2);
        Socket c1 = connect("127.0.0.4");
        assertClosedBeforeGreeting(c1);
        assertNotNull(log.await("refused: already 4 NBD clients negotiating on this listener (at most 4)",
                Duration.ofSeconds(5)));
        assertEquals(2, fixture.exporter.refused());

        // A client served meanwhile is untouched; a place given back is free for the next one.
        served.write(Nbd.CMD_FLAG_FUA, 1, 0, new byte[] {42});
        assertEquals(0, served.errorFor(1));
        a1.close();
        eventually(() -> assertServed("127.0.0.2"));
        served.close();
    }

    @Test
    void oneConnectionOverTheClientLimitIsClosedBeforeItsGreeting() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withPlaces(64, 16, 3, 2)).withTransport()
                .export(device, "mem");
        List<NbdClient> served = new ArrayList<>();
        served.add(fixture.client().go("mem"));
        served.add(fixture.client().go("mem"));
        Socket third = connect("127.0.0.1");
        assertClosedBeforeGreeting(third);
        assertServed("127.0.0.2");
        for (NbdClient c : served) {
            assertArrayEquals(new byte[] {0}, c.read(9, 0, 1), "the clients in place are served");
            c.close();
        }
    }

    @Test
    void aUnixSocketHasNoPeerAddressAndIsBoundByTheListenersLimitAlone(@TempDir Path dir) throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withPlaces(3, 1, 64, 1));
        Path socket = dir.resolve("nbd.sock");
        fixture.exporter.bindTransport(new UdsTransport(), Map.of(Transport.SCHEME, "uds"));
        fixture.exporter.bindDevice(device, Map.of(HastDevice.NAME, "mem", HastDevice.EXPORT, "uds://" + socket));
        List<SocketChannel> local = new ArrayList<>();
        try {
            // Past the per-address limits of 1: a local peer is counted against the listener's 3 only.
            for (int i = 0; i < 3; i++) {
                local.add(unix(socket));
                ByteBuffer greeting = ByteBuffer.allocate(18);
                while (greeting.hasRemaining() && local.get(i).read(greeting) >= 0) {
                    // Reading the greeting.
                }
                assertEquals(0, greeting.remaining(), "greeted");
            }
            SocketChannel fourth = unix(socket);
            local.add(fourth);
            assertEquals(-1, fourth.read(ByteBuffer.allocate(1)), "closed without a byte sent");
            assertNotNull(log.await("Connection from a local peer to uds://" + socket + " refused: already 3 NBD"
                    + " clients negotiating on this listener (at most 3)", Duration.ofSeconds(5)));
            local.get(0).close();
            // The server sees the close in its own time: a place given back serves the next client then.
            eventually(() -> {
                try (NbdClient c = new NbdClient(socket).go("mem")) {
                    assertArrayEquals(new byte[] {0}, c.read(1, 0, 1));
                }
            });
        } finally {
            for (SocketChannel c : local) {
                c.close();
            }
        }
    }

    private static SocketChannel unix(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
    }

    @Test
    void aClientThatStopsReadingItsRepliesIsCutOffAtTheWriteDeadlineAndTheOthersAreServed() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withTimes(Duration.ofSeconds(60), SHORT, SHORT))
                .withTransport().export(device, "mem");
        Socket deaf = new Socket();
        sockets.add(deaf);
        // A small window, so that the server's socket fills early.
        deaf.setReceiveBufferSize(4096);
        deaf.connect(new InetSocketAddress("127.0.0.1", fixture.port), 5000);
        NbdClient c = new NbdClient(deaf).go("mem");
        CompletableFuture<Void> asking = CompletableFuture.runAsync(() -> {
            try {
                for (long handle = 0; ; handle++) {
                    c.request(Nbd.CMD_READ, 0, handle, 0, MemoryDevice.MAX_REQUEST);
                }
            } catch (IOException e) {
                // The server gave up on this client.
            }
        });
        assertNotNull(log.await("A write to tcp://127.0.0.1:" + deaf.getLocalPort() + " has been blocked for",
                Duration.ofSeconds(30)), "the write deadline ended the stalled write");
        assertNotNull(log.await("(the write deadline is " + SHORT.toMillis() + " ms)", Duration.ofSeconds(1)));
        asking.get(30, TimeUnit.SECONDS);
        assertDisconnected(c.in);
        assertServed("127.0.0.1");
    }

    @Test
    void anAddressOutsideExportAllowIsClosedBeforeAnyByteIsSent() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem",
                Map.of(HastDevice.EXPORT_INSECURE, true, HastDevice.EXPORT_ALLOW, new String[] {"127.0.0.1", "127.0.0.4/30"}));
        Socket stranger = connect("127.0.0.3");
        assertClosedBeforeGreeting(stranger);
        Socket again = connect("127.0.0.3");
        assertClosedBeforeGreeting(again);
        assertEquals(2, fixture.exporter.refused(), "every refusal counted");
        List<String> logged = log.containing("Connection from 127.0.0.3 to " + fixture.address()
                + " refused: not in export-allow [127.0.0.1, 127.0.0.4/30]");
        assertEquals(1, logged.size(), "logged once per address per interval: " + logged);
        assertServed("127.0.0.1");
        assertServed("127.0.0.6");
    }

    @Test
    void anOptionLongerThanTheProtocolNeedsEndsTheConnectionBeforeItIsRead() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem");
        try (NbdClient c = fixture.client().flags()) {
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_EXPORT_NAME);
            c.out.writeInt(Nbd.MAX_STRING + 1);
            c.out.flush();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags()) {
            // The longest name the protocol allows is still answered.
            c.option(Nbd.OPT_GO, c.infoRequest("x".repeat(Nbd.MAX_STRING), Nbd.INFO_BLOCK_SIZE));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type());
        }
        assertServed("127.0.0.1");
    }

    /** A step that may fail until the server has caught up. */
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until it succeeds, for at most 10 s; its last failure is the test's. */
    private static void eventually(Step step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                step.run();
                return;
            } catch (IOException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    /** A fresh client from {@code source} negotiates and writes and reads back. */
    private void assertServed(String source) throws Exception {
        Socket s = connect(source);
        try (NbdClient c = new NbdClient(s)) {
            c.go("mem");
            byte[] data = source.getBytes();
            c.write(Nbd.CMD_FLAG_FUA, 1, 4096, data);
            assertEquals(0, c.errorFor(1));
            assertArrayEquals(data, c.read(2, 4096, data.length));
        }
    }

    private Socket connect(String source) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress("127.0.0.1", fixture.port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static int readGreeting(Socket s) throws IOException {
        new DataInputStream(s.getInputStream()).readFully(new byte[18]);
        return 18;
    }

    private static void assertClosedBeforeGreeting(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "closed without a byte sent");
        } catch (SocketException reset) {
            // Closed; nothing was read either way.
        }
    }

    private static void assertClosedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        try {
            assertEquals(-1, s.getInputStream().read(), "closed by the server");
        } catch (SocketException reset) {
            // Closed.
        }
    }

    /** Reads whatever the server sent before it closed, up to the end (or a reset). */
    private static void assertDisconnected(InputStream in) throws IOException {
        byte[] sink = new byte[1 << 16];
        try {
            while (in.read(sink) >= 0) {
                // Replies written before the deadline.
            }
        } catch (SocketException reset) {
            // Closed with requests unread.
        }
    }
}
