package hast.geom;

import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.tls.TlsCredentials;
import hast.api.transport.Connection;

/**
 * One client, from greeting to close: the handshake, then the transmission phase on its reader
 * thread with replies on a writer thread. Whatever the client does wrong ends this connection
 * only, and its {@link ExportGuard.Pass} bounds how long it may negotiate and how long a reply
 * may wait for it to read. A reader that a call into the device holds is succeeded by another
 * ({@link ReadingRelay}).
 */
final class NbdConnection implements Runnable {
    private static final Logger LOG = Logger.getLogger(NbdConnection.class.getName());
    /** The writer stops as soon as the connection is closed; this only bounds a wait that should be short. */
    private static final long WRITER_STOP_MILLIS = 10_000;

    private final Handshake.Catalog catalog;
    private final TlsCredentials tls;
    private final ExportGuard.Pass pass;
    private final Consumer<NbdConnection> onEnd;
    private final ReadingRelay relay;
    /** The thread reading requests: the first, or the successor of one a device call held. */
    private volatile Thread reader;
    /** Once the negotiation is over: what a successor reader goes on with. */
    private volatile Transmission transmission;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The plain connection, then the TLS one once STARTTLS succeeded. */
    private volatile Connection connection;
    private volatile Export export;
    /** Made once the negotiation is over, on the connection it ended on; guarded by {@code this}. */
    private ReplyWriter replies;
    private Thread writer;

    /**
     * @param tls        the credentials of exports that require TLS, or {@code null}
     * @param pass       the client's admission, its negotiation's deadline running; given back at the end
     * @param onEnd      told once, by the reader thread as it ends, after the writer thread ended
     * @param relayTimer watches the reader's calls into the device (see {@link ReadingRelay})
     */
    NbdConnection(Connection connection, Handshake.Catalog catalog, TlsCredentials tls, ExportGuard.Pass pass,
            Consumer<NbdConnection> onEnd, ScheduledExecutorService relayTimer) {
        this.connection = connection;
        this.catalog = catalog;
        this.tls = tls;
        this.pass = pass;
        this.onEnd = onEnd;
        this.reader = DaemonThreads.create("nbd-conn " + connection.peer(), this);
        this.relay = new ReadingRelay(relayTimer, this::succeed);
    }

    /** A call into the device holds the reader: a new thread goes on reading (see {@link ReadingRelay}). */
    private void succeed() {
        Thread next = DaemonThreads.create("nbd-conn " + connection.peer(), this);
        reader = next;
        next.start();
    }

    void start() {
        reader.start();
    }

    /** The client and, once chosen, its export, for log lines. */
    String label() {
        Export e = export;
        return "NBD client " + connection.peer() + (e == null ? "" : " of export '" + e.name() + "'");
    }

    /** The negotiation switched to TLS: everything from now on goes over {@code secure}. */
    void secured(Connection secure) {
        connection = secure;
        if (closed.get()) {
            // close() may have closed the plain connection only just before.
            closeQuietly(secure);
        }
    }

    /** Binds the connection to the export the client chose; false when that export is being withdrawn. */
    boolean use(Export chosen) {
        if (!chosen.attach(this)) {
            return false;
        }
        export = chosen;
        return true;
    }

    /** Negotiates, then reads requests; a successor reader goes straight on with the requests. */
    @Override
    public void run() {
        boolean replaced = false;
        try {
            Transmission t = transmission;
            if (t == null) {
                t = negotiate();
                if (t == null) {
                    return;
                }
            }
            replaced = !t.serve();
        } catch (ProtocolException e) {
            LOG.warning(() -> label() + " broke the protocol (" + e.getMessage() + "); disconnected.");
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.log(Level.FINE, "{0} gone: {1}", new Object[] {label(), e.toString()});
            }
        } catch (InterruptedException e) {
            // Only close() interrupts the reader; it is finishing the connection already.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug must cost this client its connection, not the daemon its server.
            LOG.log(Level.SEVERE, label() + ": unexpected failure; disconnected.", e);
        } finally {
            // A replaced reader leaves the connection to its successor.
            if (!replaced) {
                relay.stop();
                close();
                awaitWriter();
                pass.close();
                onEnd.accept(this);
            }
        }
    }

    /** The handshake and the start of the transmission phase; {@code null} when the connection is to end. */
    private Transmission negotiate() throws IOException {
        Handshake handshake = new Handshake(new Wire(connection), catalog, this, tls);
        Export chosen = handshake.negotiate();
        if (chosen == null) {
            return null;
        }
        // A client in transmission may stay idle for as long as it likes.
        pass.negotiated();
        ReplyWriter writing = startWriter();
        if (writing == null) {
            return null;
        }
        LOG.info(() -> label() + " connected" + (tls == null ? "." : " over TLS."));
        Transmission t = new Transmission(handshake.wire(), chosen, writing, handshake.replies(), label(), relay);
        transmission = t;
        relay.start();
        return t;
    }

    /** The reply writer on the connection the negotiation ended on, or {@code null} when closed meanwhile. */
    private synchronized ReplyWriter startWriter() {
        if (closed.get()) {
            return null;
        }
        replies = new ReplyWriter(connection, this);
        pass.watchWrites(replies, this::close);
        writer = DaemonThreads.create("nbd-reply " + connection.peer(), replies);
        writer.start();
        return replies;
    }

    private synchronized Thread writer() {
        return writer;
    }

    private void awaitWriter() {
        Thread w = writer();
        if (w == null) {
            return;
        }
        try {
            w.join(WRITER_STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the connection and stops its threads; safe to call from any thread, more than once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Export e = export;
        if (e != null) {
            e.detach(this);
        }
        closeQuietly(connection);
        synchronized (this) {
            if (replies != null) {
                replies.close();
            }
        }
        Thread r = reader;
        if (Thread.currentThread() != r) {
            // The reader may be waiting for in-flight requests to free a slot.
            r.interrupt();
        }
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException ex) {
            LOG.log(Level.FINE, "Closing {0}: {1}", new Object[] {label(), ex.toString()});
        }
    }

    /** Waits until both threads have ended, for at most {@code timeout}; false if one is still running. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : new Thread[] {reader, writer()}) {
            if (t == null) {
                continue;
            }
            long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (t.isAlive()) {
                t.join(leftMillis);
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
