package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from a {@link Transport} and its connections: bytes arrive whole and
 * in order both ways, at once (one reader and one writer per connection), an end is an
 * {@link EOFException}, a read timeout is a {@link SocketTimeoutException}, closing a listener
 * fails its {@code accept}, and connecting to nothing fails instead of waiting.
 */
public abstract class TransportContract {
    private static final Duration CONNECT = Duration.ofSeconds(10);

    /**
     * How long one test may take: a broken transport's usual failure is a hang (a lost EOF, a
     * timeout never applied), which ends the test here.
     */
    protected Duration limit() {
        return Duration.ofSeconds(60);
    }

    /** The transport under test; called once per test. */
    protected abstract Transport transport();

    /**
     * A fresh address to listen on: a loopback address with port 0 for a network transport, a new
     * path for a local one. Called once per listener.
     */
    protected abstract HastAddress listenAddress() throws IOException;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A connected pair: [0] the connecting side, [1] the accepting side. */
    private Connection[] pair(Transport t, Listener listener) throws Exception {
        CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Connection client = t.connect(listener.address(), null, CONNECT);
        return new Connection[] {client, accepted.get(limit().toSeconds(), TimeUnit.SECONDS)};
    }

    private static byte[] read(Connection c, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        c.readFully(b);
        return Buffers.bytes(b.flip());
    }

    @Test
    void bytesArriveWholeInOrderAndTheEndIsAnEof() {
        assertTimeoutPreemptively(limit(), () -> {
            Transport t = transport();
            try (Listener listener = t.listen(listenAddress())) {
                Connection[] c = pair(t, listener);
                try (Connection client = c[0]; Connection server = c[1]) {
                    assertNotNull(client.peer());
                    assertNotNull(server.peer());
                    byte[] request = random(1 << 20, 1);
                    CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                        try {
                            return read(server, request.length);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    client.writeFully(ByteBuffer.wrap(request));
                    assertArrayEquals(request, received.get());
                    byte[] reply = random(65536, 2);
                    server.writeFully(ByteBuffer.allocateDirect(reply.length).put(reply).flip());
                    assertArrayEquals(reply, read(client, reply.length));
                    client.close();
                    assertThrows(EOFException.class, () -> server.readFully(ByteBuffer.allocate(1)));
                }
            }
        });
    }

    @Test
    void bothDirectionsFlowAtOnce() {
        assertTimeoutPreemptively(limit(), () -> {
            Transport t = transport();
            try (Listener listener = t.listen(listenAddress())) {
                Connection[] c = pair(t, listener);
                try (Connection client = c[0]; Connection server = c[1]) {
                    // Each side writes more than socket buffers hold before reading anything: a
                    // connection that lets only one of read and write run at a time deadlocks.
                    byte[] up = random(8 << 20, 3);
                    byte[] down = random(8 << 20, 4);
                    CompletableFuture<Void> clientWrites = write(client, up);
                    CompletableFuture<Void> serverWrites = write(server, down);
                    assertArrayEquals(up, read(server, up.length));
                    assertArrayEquals(down, read(client, down.length));
                    clientWrites.get();
                    serverWrites.get();
                }
            }
        });
    }

    private static CompletableFuture<Void> write(Connection c, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                c.writeFully(ByteBuffer.wrap(data));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aReadTimeoutIsASocketTimeout() {
        assertTimeoutPreemptively(limit(), () -> {
            Transport t = transport();
            try (Listener listener = t.listen(listenAddress())) {
                Connection[] c = pair(t, listener);
                try (Connection client = c[0]; Connection server = c[1]) {
                    server.setReadTimeout(Duration.ofMillis(200));
                    assertThrows(SocketTimeoutException.class, () -> server.readFully(ByteBuffer.allocate(1)));
                }
            }
        });
    }

    @Test
    void closingAListenerFailsItsAccept() {
        assertTimeoutPreemptively(limit(), () -> {
            Listener listener = transport().listen(listenAddress());
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            listener.close();
            ExecutionException e = assertThrows(ExecutionException.class, accepted::get);
            assertTrue(e.getCause().getCause() instanceof IOException, "accept fails with an IOException: " + e.getCause());
        });
    }

    @Test
    void connectingToNothingFails() {
        assertTimeoutPreemptively(limit(), () -> {
            Transport t = transport();
            HastAddress gone;
            try (Listener listener = t.listen(listenAddress())) {
                gone = listener.address();
            }
            assertThrows(IOException.class, () -> t.connect(gone, null, CONNECT).close());
        });
    }
}
