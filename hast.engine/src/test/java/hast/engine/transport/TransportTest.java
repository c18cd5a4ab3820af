package hast.engine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportTest {
    @TempDir
    Path dir;

    @Test
    void tcpRoundTripOnAnyFreePort() throws Exception {
        roundTrip(new TcpTransport(), HastAddress.parse("tcp4://127.0.0.1:0"));
    }

    @Test
    void udsRoundTripAndOwnerOnlySocketFile() throws Exception {
        HastAddress address = HastAddress.parse("uds://" + dir.resolve("s.sock"));
        roundTrip(new UdsTransport(), address);
    }

    @Test
    void udsListenerReplacesStaleSocketFileAndRemovesItOnClose() throws Exception {
        Path file = dir.resolve("stale.sock");
        Files.writeString(file, "left over by a killed daemon");
        UdsTransport transport = new UdsTransport();
        try (Listener listener = transport.listen(HastAddress.parse(file.toString()))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertTrue(Files.notExists(file));
    }

    @Test
    void readTimesOutOnASilentPeer() throws Exception {
        TcpTransport transport = new TcpTransport();
        try (Listener listener = transport.listen(HastAddress.parse("127.0.0.1:0"));
                Connection client = transport.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection server = listener.accept()) {
            server.setReadTimeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> server.read(ByteBuffer.allocate(1)));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        UdsTransport transport = new UdsTransport();
        try (Listener listener = transport.listen(HastAddress.parse("uds://" + dir.resolve("w.sock")));
                Connection client = transport.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection server = listener.accept()) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    server.read(ByteBuffer.allocate(8));
                    failure.complete(null);
                } catch (IOException e) {
                    failure.complete(e);
                }
            }, "blocked-reader");
            reader.start();
            awaitBlockedInSelect(reader);
            server.close();
            assertTrue(failure.get(10, TimeUnit.SECONDS) instanceof AsynchronousCloseException);
        }
    }

    private static void awaitBlockedInSelect(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (java.util.Arrays.stream(thread.getStackTrace()).noneMatch(f -> f.getMethodName().equals("select"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reader never blocked in select");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void connectToNothingFailsWithTheAddress() throws Exception {
        HastAddress nowhere = HastAddress.parse("uds://" + dir.resolve("none.sock"));
        IOException e = assertThrows(IOException.class, () -> new UdsTransport().connect(nowhere, null, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
    }

    @Test
    void tcp6SchemeRefusesAnIpv4Host() {
        IOException e = assertThrows(IOException.class,
                () -> TcpTransport.resolve(HastAddress.parse("tcp6://127.0.0.1:1")));
        assertTrue(e.getMessage().contains("tcp6"), e.getMessage());
    }

    private static void roundTrip(Transport transport, HastAddress address) throws Exception {
        try (Listener listener = transport.listen(address)) {
            try (Connection client = transport.connect(listener.address(), null, Duration.ofSeconds(5));
                    Connection server = listener.accept()) {
                byte[] big = new byte[4 << 20];
                for (int i = 0; i < big.length; i++) {
                    big[i] = (byte) (i * 31);
                }
                // Larger than any socket buffer, so the writer must wait for the reader.
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        client.writeFully(ByteBuffer.wrap(big));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteBuffer got = ByteBuffer.allocate(big.length);
                server.readFully(got);
                sent.get(30, TimeUnit.SECONDS);
                assertTrue(java.util.Arrays.equals(big, got.array()));
                server.writeFully(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer reply = ByteBuffer.allocate(2);
                client.readFully(reply);
                assertEquals("ok", new String(reply.array(), StandardCharsets.US_ASCII));
                client.close();
                assertEquals(-1, server.read(ByteBuffer.allocate(1)));
            }
        }
    }
}
