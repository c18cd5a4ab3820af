package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.HastAddress;
import hast.api.guard.WriteDeadline;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.engine.transport.TcpTransport;

import org.junit.jupiter.api.Test;

/** A write to a peer that stopped reading is ended by the deadline, over a real socket. */
class WriteDeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(500);

    @Test
    void aWriteBlockedByAPeerThatDoesNotReadIsGivenUpOnAfterTheDeadline() throws Exception {
        TcpTransport tcp = new TcpTransport();
        try (Listener listener = tcp.listen(HastAddress.parse("tcp4://127.0.0.1:0"));
                Connection ours = tcp.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection theirs = listener.accept();
                WriteDeadline deadline = new WriteDeadline("test", () -> DEADLINE)) {
            FrameWriter writer = new FrameWriter(ours, ProtocolRange.SPOKEN.max());
            CompletableFuture<Void> dropped = new CompletableFuture<>();
            deadline.watch(writer, () -> {
                try {
                    ours.close();
                } catch (IOException ignored) {
                    // The test looks at the writer, not at this.
                }
                dropped.complete(null);
            });
            deadline.start();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    // Frames until the socket buffers are full and a write blocks; the peer reads nothing.
                    while (true) {
                        writer.send(Frame.request(Frame.Type.WRITE, 0, 1, 0, Frame.MAX_REQUEST_PAYLOAD,
                                ByteBuffer.allocate(Frame.MAX_REQUEST_PAYLOAD)));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            dropped.get(30, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> sending.get(30, TimeUnit.SECONDS),
                    "the blocked write fails once the connection is dropped");
            assertTrue(e.getCause() instanceof java.io.UncheckedIOException, e.toString());
            assertFalse(ours.isOpen());
            theirs.close();
        }
    }
}
