package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import hast.api.HastAddress;
import hast.api.guard.Admission;
import hast.api.transport.Connection;
import hast.engine.transport.TcpTransport;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener facing strangers, over real loopback sockets: 127.0.0.1 is the configured remote,
 * 127.0.0.3 (loopback too on Linux) a stranger. Every refusal must cost the node nothing it
 * cannot spare, and happen before anything is read or allocated. It binds at start but handles no
 * peer's bytes before the daemon lets it serve.
 */
class ReplicationListenerTest {
    private static final InetAddress REMOTE = InetAddress.getLoopbackAddress();
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private ReplicationListener listener;
    private int port;
    private final List<Socket> sockets = new ArrayList<>();
    @RegisterExtension
    final LogCapture warnings = LogCapture.of(ReplicationListener.class, Level.WARNING);
    private final List<String> attached = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private void start(int perListener, int perAddress) throws IOException {
        listener = new ReplicationListener(new ReplicationListener.Replicas() {
            @Override
            public Optional<ReplicationListener.Replica> named(String name) {
                return Optional.of(new ReplicationListener.Replica() {
                    @Override
                    public String remote() {
                        return "tcp4://127.0.0.1";
                    }

                    @Override
                    public boolean acceptsPrimary() {
                        return true;
                    }

                    @Override
                    public String role() {
                        return "secondary";
                    }

                    @Override
                    public LinkSecret secret() {
                        return null;
                    }

                    @Override
                    public LinkTls tls() {
                        return null;
                    }

                    @Override
                    public void authenticationFailed(String peer, Authentication.Failed why) {
                        throw new AssertionError("no test here gets that far");
                    }

                    @Override
                    public boolean noCommonVersion(String peer, String why) {
                        throw new AssertionError("no test here gets that far");
                    }

                    @Override
                    public void attach(Connection connection, int version, Greeting.Hello hello, Runnable welcomed) {
                        attached.add(hello.resource());
                    }
                });
            }

            @Override
            public Optional<Duration> handshakeDeadline(InetAddress peer) {
                return peer.equals(REMOTE) ? Optional.of(DEADLINE) : Optional.empty();
            }

            @Override
            public List<ReplicationListener.Replica> ofRemote(InetAddress peer) {
                return List.of();
            }
        }, ProtocolRange.SPOKEN, perListener, perAddress);
        TcpTransport tcp = new TcpTransport();
        listener.start(List.of(HastAddress.parse("tcp4://127.0.0.1:0")), a -> new hast.api.transport.Transport() {
            @Override
            public hast.api.transport.Listener listen(HastAddress address) throws IOException {
                hast.api.transport.Listener l = tcp.listen(address);
                port = l.address().port();
                return l;
            }

            @Override
            public Connection connect(HastAddress remote, HastAddress source, Duration timeout) throws IOException {
                return tcp.connect(remote, source, timeout);
            }
        });
        listener.serve();
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(REMOTE, port), 5000);
        return s;
    }

    /** How long until the node closes {@code s}; fails if it is still open after {@code within}. */
    private static long closedWithin(Socket s, Duration within) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // A refusal frame may come first; the end of the stream is what counts.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + within.toMillis() + " ms");
        } catch (java.net.SocketException reset) {
            // Closed with data unread: a reset is a close too.
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void stillOpen(Socket s, Duration during) throws IOException {
        s.setSoTimeout((int) during.toMillis());
        try {
            int b = s.getInputStream().read();
            throw new AssertionError("connection ended (read " + b + ")");
        } catch (SocketTimeoutException expected) {
            // Open and waiting, as it should.
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** A header of a HELLO announcing {@code size} bytes of payload, and no payload. */
    private static byte[] helloHeader(int size) {
        ByteBuffer h = ByteBuffer.allocate(Frame.HEADER);
        Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, null).encodeHeader(h, ProtocolRange.SPOKEN.max());
        return h.putInt(Frame.Header.SIZE_AT, size).array();
    }

    @Test
    void aBoundListenerLeavesConnectionsInTheBacklogUntilItServes() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0)) {
            free = probe.getLocalPort();
        }
        HastAddress address = HastAddress.parse("tcp4://127.0.0.1:" + free);
        AtomicInteger lookups = new AtomicInteger();
        TcpTransport tcp = new TcpTransport();
        try (ReplicationListener bound = new ReplicationListener(new ReplicationListener.Replicas() {
            @Override
            public Optional<ReplicationListener.Replica> named(String name) {
                lookups.incrementAndGet();
                return Optional.empty();
            }

            @Override
            public Optional<Duration> handshakeDeadline(InetAddress peer) {
                lookups.incrementAndGet();
                return Optional.of(DEADLINE);
            }

            @Override
            public List<ReplicationListener.Replica> ofRemote(InetAddress peer) {
                lookups.incrementAndGet();
                return List.of();
            }
        }, ProtocolRange.SPOKEN)) {
            bound.start(List.of(address), a -> tcp);
            try (Connection primary = tcp.connect(address, null, Duration.ofSeconds(5))) {
                Frame.request(Frame.Type.CHALLENGE, 0, 0, 0, 0,
                        Authentication.challenge("r0", null, Authentication.nonce()).encode()).write(primary, ProtocolRange.SPOKEN.max());
                // This listener's acceptor only: other tests' listeners may still be closing.
                assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                        t -> t.getName().startsWith("hast-listen") && t.getName().endsWith(":" + address.port())),
                        "no acceptor before serve()");
                assertEquals(0, lookups.get());

                bound.serve();
                primary.setReadTimeout(Duration.ofSeconds(10));
                Frame reply = Frame.read(primary, ProtocolRange.SPOKEN.max());
                assertEquals(Frame.Type.REFUSE, reply.type());
                assertEquals("Resource not configured.", StandardCharsets.UTF_8.decode(reply.payload()).toString());
                assertEquals(2, lookups.get(), "the peer's address, then the resource");
            }
        }
    }

    @Test
    void aStrangerIsClosedBeforeAnythingIsReadAndLoggedOncePerInterval() throws Exception {
        start(Admission.PER_LISTENER, Admission.PER_ADDRESS);
        for (int i = 0; i < 40; i++) {
            Socket s = connect("127.0.0.3");
            s.getOutputStream().write(helloHeader(64 << 20));
            closedWithin(s, DEADLINE.dividedBy(2));
        }
        await("40 refusals counted", () -> listener.refused() == 40);
        assertEquals(1, warnings.messages().stream().filter(w -> w.contains("127.0.0.3")).count(), warnings.toString());
        assertTrue(warnings.messages().get(0).contains("not the configured remote"), warnings.messages().get(0));
        assertEquals(List.of(), attached);
    }

    @Test
    void aFirstFrameAnnouncingMoreThanAGreetingIsRefusedWithoutWaitingForIt() throws Exception {
        start(Admission.PER_LISTENER, Admission.PER_ADDRESS);
        Socket s = connect("127.0.0.1");
        // Before the bound, the listener would allocate the 64 MiB and wait for them until the deadline.
        s.getOutputStream().write(helloHeader(64 << 20));
        long took = closedWithin(s, DEADLINE);
        assertTrue(took < DEADLINE.toMillis() / 2, "closed after " + took + " ms");
        Socket small = connect("127.0.0.1");
        small.getOutputStream().write(helloHeader(Frame.MAX_GREETING + 1));
        assertTrue(closedWithin(small, DEADLINE) < DEADLINE.toMillis() / 2);
        assertEquals(List.of(), attached);
    }

    @Test
    void connectionsInHandshakeAreLimitedPerAddressAndPerListener() throws Exception {
        start(3, 2);
        Socket first = connect("127.0.0.1");
        Socket second = connect("127.0.0.1");
        Socket third = connect("127.0.0.1");
        closedWithin(third, DEADLINE.dividedBy(2));
        stillOpen(first, Duration.ofMillis(200));
        stillOpen(second, Duration.ofMillis(200));
        assertEquals(1, listener.refused());
        assertTrue(warnings.messages().stream().anyMatch(w -> w.contains("connections in handshake from 127.0.0.1")),
                warnings.toString());
        first.close();
        // Its place is given back once the node sees it closed.
        await("a place to be free again", () -> {
            try {
                Socket again = connect("127.0.0.1");
                stillOpen(again, Duration.ofMillis(100));
                return true;
            } catch (AssertionError | IOException full) {
                return false;
            }
        });
    }

    @Test
    void aHandshakeThatDripsBytesEndsAtItsDeadline() throws Exception {
        start(Admission.PER_LISTENER, Admission.PER_ADDRESS);
        Socket s = connect("127.0.0.1");
        byte[] header = helloHeader(100);
        long start = System.nanoTime();
        // One byte every 100 ms keeps every single read well inside any read timeout.
        try {
            for (byte b : header) {
                s.getOutputStream().write(b);
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (IOException closedByTheNode) {
            // What the deadline does.
        }
        closedWithin(s, DEADLINE);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= DEADLINE.toMillis() - 100 && took < DEADLINE.toMillis() * 2, "closed after " + took + " ms");
        assertEquals(List.of(), attached);
    }
}
