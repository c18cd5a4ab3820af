package hast.geom;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.device.HastDevice;
import hast.api.tls.TlsCredentials;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

/**
 * One NBD listening address, the exports offered there (selected by name) and its clients, each
 * admitted by the address's {@link ExportGuard} before anything is read from it.
 */
final class NbdServer implements Handshake.Catalog {
    private static final Logger LOG = Logger.getLogger(NbdServer.class.getName());
    /** Pause after a failed accept (out of descriptors, say), so the failure does not spin. */
    private static final long ACCEPT_RETRY_MILLIS = 1000;
    private static final Duration THREAD_STOP = Duration.ofSeconds(10);

    private final Listener listener;
    private final Transport transport;
    private final ExportProtection protection;
    private final TlsCredentials tls;
    private final ExportGuard guard;
    private final Duration drainTimeout;
    private final Duration quiet;
    private final Map<String, Export> exports = new ConcurrentHashMap<>();
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean listening = new AtomicBoolean(true);
    private final Thread acceptor;
    /**
     * Watches every client's reader for calls into the device that hold it (see {@link ReadingRelay}),
     * and frees each export's idle payload buffers.
     */
    private final ScheduledThreadPoolExecutor relayTimer;

    /**
     * @param transport        the transport that made the listener, so that its departure can end this server
     * @param protection       what every export offered here shares
     * @param tls              the credentials when {@code protection} requires TLS, else {@code null}
     * @param limits           what the clients of this address are granted
     */
    NbdServer(Listener listener, Transport transport, ExportProtection protection, TlsCredentials tls,
            ExportLimits limits) {
        this.listener = listener;
        this.transport = transport;
        this.protection = protection;
        this.tls = tls;
        this.guard = new ExportGuard(listener.address().toString(), protection.allowed(), limits);
        this.drainTimeout = limits.drain();
        this.quiet = limits.quiet();
        this.acceptor = DaemonThreads.create("nbd-accept " + listener.address(), this::acceptLoop);
        this.relayTimer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("nbd-relay " + listener.address()));
        // Each client's checks end with it: they must not stay in the queue.
        relayTimer.setRemoveOnCancelPolicy(true);
    }

    void start() {
        acceptor.start();
        LOG.info(() -> "NBD server listening on " + listener.address() + (tls == null ? "" : " (" + tls + ")") + ".");
    }

    Transport transport() {
        return transport;
    }

    ExportProtection protection() {
        return protection;
    }

    /** Connections refused before their first byte was read (not allowed, or past a limit). */
    long refused() {
        return guard.refused();
    }

    /** Offers an export under its name, which must be free. */
    void offer(Export export) {
        if (exports.putIfAbsent(export.name(), export) != null) {
            throw new IllegalStateException("Export name '" + export.name() + "' is taken on " + listener.address());
        }
        export.releaseIdleBuffers(relayTimer, quiet);
    }

    /** The export offered under {@code name}, or {@code null}. */
    Export offered(String name) {
        return exports.get(name);
    }

    /**
     * Stops offering the export of that name if it is {@code device}'s; clients already using it
     * keep it until it is {@linkplain #drain drained}.
     *
     * @return the export taken out, or {@code null}
     */
    Export take(String name, HastDevice device) {
        Export e = exports.get(name);
        return e != null && e.device() == device && exports.remove(name, e) ? e : null;
    }

    boolean isEmpty() {
        return exports.isEmpty();
    }

    /** Answers the export's requests in flight (waiting at most the drain timeout), then closes its clients. */
    void drain(Export export) {
        try {
            if (!export.withdraw(drainTimeout)) {
                LOG.warning(() -> "Export '" + export.name() + "' on " + listener.address() + ": "
                        + export.requestsInFlight() + " requests still in flight after " + drainTimeout.toSeconds()
                        + " s; its clients were disconnected without their replies.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info(() -> "Export '" + export.name() + "' on " + listener.address() + " withdrawn.");
    }

    @Override
    public Export find(String name) {
        if (name.isEmpty()) {
            List<Export> all = List.copyOf(exports.values());
            return all.size() == 1 ? all.get(0) : null;
        }
        return exports.get(name);
    }

    @Override
    public Collection<Export> all() {
        return List.copyOf(exports.values());
    }

    /**
     * Stops accepting clients; those connected are left alone. Returns once the acceptor has
     * ended: only then is the socket really closed and its address free for a successor.
     */
    void stopListening() {
        if (!listening.compareAndSet(true, false)) {
            // Closed already; closing again could remove a successor's Unix socket file.
            return;
        }
        stopping.countDown();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "Closing {0}: {1}", new Object[] {listener.address(), e.toString()});
        }
        try {
            acceptor.join(THREAD_STOP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening, drains and withdraws every export, closes every client and waits for the threads. */
    void close() {
        stopListening();
        // With the acceptor gone the set is complete; clients that drains close are waited for too.
        List<NbdConnection> clients = List.copyOf(connections);
        for (Export e : all()) {
            exports.remove(e.name(), e);
            drain(e);
        }
        clients.forEach(NbdConnection::close);
        try {
            for (NbdConnection c : clients) {
                if (!c.awaitStopped(THREAD_STOP)) {
                    LOG.warning(() -> c.label() + ": its threads did not stop within " + THREAD_STOP.toSeconds() + " s.");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.close();
        relayTimer.shutdownNow();
        LOG.info(() -> "NBD server on " + listener.address() + " closed.");
    }

    private void acceptLoop() {
        while (stopping.getCount() > 0) {
            Connection c;
            try {
                c = listener.accept();
            } catch (ClosedChannelException e) {
                if (stopping.getCount() > 0) {
                    LOG.severe(() -> "NBD server on " + listener.address() + ": listener closed underneath it; "
                            + "no more clients are accepted.");
                }
                return;
            } catch (IOException e) {
                if (stopping.getCount() > 0) {
                    LOG.warning(() -> "NBD server on " + listener.address() + ": accept failed (" + e.getMessage()
                            + "); retrying.");
                    pauseAfterFailure();
                }
                continue;
            }
            if (stopping.getCount() == 0) {
                refuse(c);
                return;
            }
            ExportGuard.Pass pass = guard.admit(c);
            if (pass == null) {
                continue;
            }
            NbdConnection client = new NbdConnection(c, this, tls, pass, connections::remove, relayTimer);
            connections.add(client);
            client.start();
        }
    }

    private void refuse(Connection c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "Closing {0}: {1}", new Object[] {c.peer(), e.toString()});
        }
    }

    private void pauseAfterFailure() {
        try {
            stopping.await(ACCEPT_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }
}
