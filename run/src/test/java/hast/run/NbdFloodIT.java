package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No stranger exhausts a node through its NBD export (issue 12): a real daemon, a flood of idle
 * connections from 127.0.0.3 to its TCP export, and real clients writing and reading back at the
 * same time; and an export-allow that keeps 127.0.0.3 out before a byte is sent to it.
 */
class NbdFloodIT {
    private static final int MIB = 1 << 20;
    /** Connections the flood keeps trying to hold open at once. */
    private static final int FLOOD = 200;

    @TempDir
    Path dir;

    /** A primary with one resource r on a fresh 64 MiB file, exported on {@code port} with {@code exportLines}. */
    private Node primary(String... exportLines) throws Exception {
        List<String> globals = new ArrayList<>(List.of("pidfile " + dir.resolve("hastd.pid")));
        globals.addAll(List.of(exportLines));
        Node n = Node.solo(dir, Node.disk(dir.resolve("disk.img"), 64 * MIB), globals);
        n.ctl("create", "r").expect(0);
        n.start();
        n.ctl("role", "primary", "r").expect(0);
        return n;
    }

    @Test
    void aFloodOfIdleConnectionsFromAStrangerCostsTheClientsNothing() throws Exception {
        int port = Node.freePort();
        try (Node n = primary("export tcp://127.0.0.1:" + port, "export-insecure on")) {
            String url = "nbd://127.0.0.1:" + port + "/r";
            Node.awaitTrue("the export", () -> run(n, "nbdinfo", url).exit() == 0);
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger refused = new AtomicInteger();
            Thread flood = new Thread(() -> flood(port, flooding, refused), "flood from 127.0.0.3");
            flood.start();
            try {
                Node.awaitTrue("the flood refused", () -> refused.get() > FLOOD);
                for (int round = 0; round < 3; round++) {
                    String pattern = "0x" + Integer.toHexString(0x50 + round);
                    run(n, "qemu-io", "-f", "raw", "-c", "write -P " + pattern + " " + round * 8 + "M 8M",
                            "-c", "read -P " + pattern + " " + round * 8 + "M 8M", url).expect(0);
                }
                Path out = dir.resolve("out.img");
                run(n, "nbdcopy", url, out.toString()).expect(0);
                byte[] back = Files.readAllBytes(out);
                for (int round = 0; round < 3; round++) {
                    for (int i = round * 8 * MIB; i < (round + 1) * 8 * MIB; i += 4096) {
                        assertEquals((byte) (0x50 + round), back[i], "byte " + i + " read back by nbdcopy");
                    }
                }
            } finally {
                flooding.set(false);
                flood.join(60_000);
            }
            assertTrue(n.daemon().isAlive(), "the daemon survived the flood");
            // Degraded (status 2): it has no peer; what matters is that it answers, as primary.
            assertTrue(n.ctl("status", "r").out().contains("primary"));
            String log = n.logText();
            assertTrue(log.contains("Connection from 127.0.0.3 to tcp://127.0.0.1:" + port + " refused: already 16 NBD"
                    + " clients negotiating from 127.0.0.3 (at most 16)"), log);
            assertFalse(log.contains("OutOfMemoryError"), log);
        }
    }

    @Test
    void anAddressOutsideExportAllowIsClosedBeforeAByteIsSentToIt() throws Exception {
        int port = Node.freePort();
        try (Node n = primary("export tcp://127.0.0.1:" + port, "export-insecure on", "export-allow 127.0.0.1")) {
            String url = "nbd://127.0.0.1:" + port + "/r";
            Node.awaitTrue("the export", () -> run(n, "nbdinfo", url).exit() == 0);
            for (int i = 0; i < 3; i++) {
                try (Socket s = from("127.0.0.3", port)) {
                    assertEquals(-1, readOrEnd(s), "closed without its greeting");
                }
            }
            run(n, "qemu-io", "-f", "raw", "-c", "write -P 0x3a 0 1M", "-c", "read -P 0x3a 0 1M", url).expect(0);
            Node.awaitTrue("the refusal logged", () -> n.logText().contains("Connection from 127.0.0.3 to tcp://127.0.0.1:"
                    + port + " refused: not in export-allow [127.0.0.1]"));
            assertEquals(1, n.logText().split("Connection from 127.0.0.3 to", -1).length - 1,
                    "logged once per address per minute");
        }
    }

    /**
     * Keeps up to {@link #FLOOD} connections from 127.0.0.3 open, sending nothing; each that the
     * server closes (refused, or at its handshake deadline) is replaced.
     */
    private static void flood(int port, AtomicBoolean flooding, AtomicInteger refused) {
        List<Socket> open = new ArrayList<>();
        try {
            while (flooding.get()) {
                while (open.size() < FLOOD) {
                    open.add(from("127.0.0.3", port));
                }
                for (var it = open.iterator(); it.hasNext(); ) {
                    Socket s = it.next();
                    s.setSoTimeout(1);
                    int first = readOrEnd(s);
                    if (first == -1) {
                        refused.incrementAndGet();
                        s.close();
                        it.remove();
                    } else if (first > 0) {
                        // Greeted: it reads the rest and then just sits there.
                        s.getInputStream().skip(s.getInputStream().available());
                    }
                }
                // Paced, so that the flood holds its connections rather than churning the ports.
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            // Stopped: the sockets go below.
            Thread.currentThread().interrupt();
        } finally {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Going anyway.
                }
            }
        }
    }

    private static Socket from(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** The first byte, -1 at the end (or a reset), 0 when nothing came within the socket's timeout. */
    private static int readOrEnd(Socket s) throws IOException {
        try {
            int b = s.getInputStream().read();
            return b < 0 ? -1 : 1;
        } catch (java.net.SocketTimeoutException quiet) {
            return 0;
        } catch (SocketException reset) {
            return -1;
        }
    }

    private static Node.Result run(Node n, String... cmd) {
        try {
            return n.run(List.of(cmd), Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
