package hast.engine.resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network between two engines of one test: a loopback TCP relay to one node's listener.
 * {@link #cut()} stops forwarding without closing anything, as a dead switch port does (the
 * peers see silence, not a reset); {@link #reset()} closes every connection; {@link #heal()}
 * drops what was cut and relays again.
 */
final class LinkRelay implements AutoCloseable {
    private final ServerSocket server;
    private volatile int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    /** Connections are made and bytes read, but nothing is passed on until {@link #resume()}. */
    private volatile boolean stalled;
    /** Bytes read from either side, passed on or not. */
    private final AtomicLong read = new AtomicLong();
    /** When each connection was accepted ({@link System#nanoTime}), to tell how often a peer tries. */
    private final List<Long> accepted = new CopyOnWriteArrayList<>();
    /** Bytes relayed, both directions, since the relay started. */
    private final AtomicLong relayed = new AtomicLong();

    LinkRelay(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "relay-accept " + target);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The acceptance times of every connection so far, oldest first. */
    List<Long> accepted() {
        return List.copyOf(accepted);
    }

    /** Bytes relayed so far, both directions: what a synchronisation cost on the wire. */
    long relayed() {
        return relayed.get();
    }

    /** The port new connections are relayed to. */
    int target() {
        return target;
    }

    /** Relays new connections to {@code port} from now on (the peer moved); those relayed stay as they are. */
    void target(int port) {
        target = port;
    }

    void cut() {
        cut = true;
    }

    /** Holds every byte read from now on, on connections old and new, until {@link #resume()}. */
    void stall() {
        stalled = true;
    }

    void resume() {
        stalled = false;
    }

    /** Bytes read from either side so far, including those a stall holds. */
    long read() {
        return read.get();
    }

    /** Closes every relayed connection: both peers see a reset or an end of stream. */
    void reset() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
        sockets.clear();
    }

    /** Ends the connections that were cut (their peers gave up on them) and relays new ones. */
    void heal() {
        reset();
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                accepted.add(System.nanoTime());
                if (cut) {
                    // Nothing gets through: hold the connection open and silent.
                    sockets.add(in);
                    continue;
                }
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // Closed, or the target is down: the peer sees its connection fail.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    read.addAndGet(n);
                    while ((cut || stalled) && !from.isClosed()) {
                        // A cut link forwards nothing and tells nobody; heal() or reset() ends the wait.
                        Thread.sleep(5);
                    }
                    out.write(buf, 0, n);
                    relayed.addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // The other side went away, or the relay reset the connection.
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // Closing anyway.
                }
            }
        }, "relay " + from.getPort() + "->" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        reset();
    }
}
