package hast.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 14: {@code hastctl role primary} returns as soon as the primary serves, while its first
 * connection to the secondary is still being made: here with a peer that accepts the connection
 * and never says a word, so that the handshake would take the whole timeout (20 s).
 */
class RoleInBackgroundIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private Node alpha;
    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (alpha != null) {
            alpha.close();
        }
        if (silent != null) {
            silent.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void rolePrimaryReturnsWhileTheSecondaryHasNotAnswered() throws Exception {
        silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (IOException closed) {
                // The test is over.
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        PairConf pair = new PairConf(dir);
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), silent.getLocalPort(), "timeout 20");
        Node.disk(dir.resolve("alpha.img"), 8 * MIB);
        alpha = new Node("alpha", dir, conf);
        alpha.hastctl("create", "-c", conf.toString(), "-e", "1M", "r0").expect(0);
        alpha.start();

        alpha.hastctl("role", "-c", conf.toString(), "primary", "r0").expect(0);
        // Outcome order, not wall-clock: the handshake the daemon started is still waiting for the
        // silent peer (its connection open, nothing sent back) when role has already returned.
        Node.awaitTrue("alpha's connection to the silent peer", () -> !accepted.isEmpty());
        assertTrue(stillOpen(accepted.get(0)), "role primary returned only after the handshake gave up");
        alpha.hastctl("await", "-c", conf.toString(), "-t", "0", "primary", "r0").expect(0);
        alpha.hastctl("await", "-c", conf.toString(), "-t", "0", "connected", "r0").expect(75);
        alpha.hastctl("status", "-c", conf.toString(), "r0").expect(Node.DEGRADED);

        // A client's request waits for the first attempt; the peer hangs up, and it is served.
        Process write = new ProcessBuilder("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 64k",
                "nbd://127.0.0.1:" + pair.nbdAlpha + "/r0").redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu-io.out").toFile()).start();
        accepted.get(0).close();
        assertTrue(write.waitFor(Node.DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(write.exitValue() == 0, java.nio.file.Files.readString(dir.resolve("qemu-io.out")));
        alpha.run(List.of("qemu-io", "-f", "raw", "-c", "read -P 0x5a 0 64k",
                "nbd://127.0.0.1:" + pair.nbdAlpha + "/r0"), Map.of()).expect(0);
    }

    /** Whether the peer has neither closed nor reset the connection. */
    private static boolean stillOpen(Socket s) throws IOException {
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        try {
            // The daemon sends its hello first; reading it is fine, an end of stream is not.
            while (in.read() >= 0) {
                // Drain the hello.
            }
            return false;
        } catch (SocketTimeoutException waiting) {
            return true;
        } catch (IOException reset) {
            return false;
        }
    }
}
