package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;
import hast.engine.transport.TcpTransport;

import org.junit.jupiter.api.Test;

/** The listener binds at start but handles no peer's bytes before the daemon lets it serve. */
class ReplicationListenerTest {
    @Test
    void aBoundListenerLeavesConnectionsInTheBacklogUntilItServes() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        HastAddress address = HastAddress.parse("tcp4://127.0.0.1:" + port);
        AtomicInteger lookups = new AtomicInteger();
        TcpTransport tcp = new TcpTransport();
        try (ReplicationListener listener = new ReplicationListener(name -> {
            lookups.incrementAndGet();
            return Optional.empty();
        })) {
            listener.start(List.of(address), a -> tcp);
            try (Connection primary = tcp.connect(address, null, Duration.ofSeconds(5))) {
                Greeting.Hello hello = new Greeting.Hello("r0", 1, 0, 0, 1 << 20, 1 << 20, 1 << 20,
                        new CodecSet(Set.of("none"), Set.of("none")));
                Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, hello.encode()).write(primary);
                assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("hast-listen")), "no acceptor before serve()");
                assertEquals(0, lookups.get());

                listener.serve();
                primary.setReadTimeout(Duration.ofSeconds(10));
                Frame reply = Frame.read(primary);
                assertEquals(Frame.Type.REFUSE, reply.type());
                assertEquals("Resource not configured.", StandardCharsets.UTF_8.decode(reply.payload()).toString());
                assertEquals(1, lookups.get());
            }
        }
    }
}
