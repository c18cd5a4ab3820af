package hast.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay that a test can stall: while stalled it forwards nothing and closes
 * nothing, as a cut cable does; {@link #heal()} drops the stalled connections and relays again.
 * It can also damage one byte on its way to the target, as a faulty link does.
 */
final class StallingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;
    /** Bytes whose next passage towards the target gets its first byte flipped, or {@code null}. */
    private volatile byte[] damage;
    /** Bytes relayed (both ways) since {@link #stallAfter}, and the count at which it stalls. */
    private final java.util.concurrent.atomic.AtomicLong relayed = new java.util.concurrent.atomic.AtomicLong();
    private volatile long stallAt = Long.MAX_VALUE;

    StallingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Flips the first byte of the next occurrence of {@code marker} that goes to the target. */
    void damageNext(byte[] marker) {
        damage = marker.clone();
    }

    /** Whether the damage asked for has been done. */
    boolean damaged() {
        return damage == null;
    }

    /** Relays {@code bytes} more, then stalls (e.g. in the middle of a synchronisation). */
    void stallAfter(long bytes) {
        relayed.set(0);
        stallAt = bytes;
    }

    void heal() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        stallAt = Long.MAX_VALUE;
        stalled = false;
        synchronized (this) {
            notifyAll();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (stalled) {
                    // A cut link: the connection attempt goes nowhere.
                    sockets.add(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean towardsTarget) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (relayed.addAndGet(n) > stallAt) {
                        stalled = true;
                    }
                    synchronized (this) {
                        while (stalled && !from.isClosed()) {
                            wait(100);
                        }
                    }
                    if (from.isClosed()) {
                        return;
                    }
                    if (towardsTarget) {
                        damageIn(buf, n);
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // The other side went away, or heal() cut it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // Already closing.
                }
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Damages the marker if it lies whole in this read (markers are short, reads are large). */
    private void damageIn(byte[] buf, int n) {
        byte[] marker = damage;
        if (marker == null) {
            return;
        }
        for (int i = 0; i + marker.length <= n; i++) {
            if (java.util.Arrays.equals(buf, i, i + marker.length, marker, 0, marker.length)) {
                buf[i] ^= 0x01;
                damage = null;
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        heal();
    }
}
