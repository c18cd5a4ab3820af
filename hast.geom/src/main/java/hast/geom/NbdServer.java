package hast.geom;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.transport.Connection;
import hast.api.transport.Listener;

/** One NBD listening address and the exports offered there, selected by name. */
final class NbdServer implements Handshake.Catalog {
    private static final Logger LOG = Logger.getLogger(NbdServer.class.getName());
    private static final long DRAIN_SECONDS = 60;

    private final Listener listener;
    private final Map<String, Export> exports = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    NbdServer(Listener listener) {
        this.listener = listener;
        this.acceptor = new Thread(this::accept, "nbd-accept " + listener.address());
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
        LOG.info(() -> "NBD server listening on " + listener.address() + ".");
    }

    void add(Export export) {
        exports.put(export.name(), export);
    }

    /** Withdraws an export, draining its clients; true when none is left on this server. */
    boolean remove(String name) {
        Export e = exports.remove(name);
        if (e != null) {
            try {
                if (!e.withdraw(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> "Export " + name + ": requests still in flight after " + DRAIN_SECONDS
                            + " s; its clients were disconnected.");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        return exports.isEmpty();
    }

    boolean isEmpty() {
        return exports.isEmpty();
    }

    @Override
    public Export find(String name) {
        if (name.isEmpty() && exports.size() == 1) {
            return exports.values().iterator().next();
        }
        return exports.get(name);
    }

    @Override
    public Collection<Export> all() {
        return List.copyOf(exports.values());
    }

    private void accept() {
        while (!closed) {
            Connection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.SEVERE, "NBD server on " + listener.address() + " stopped accepting: " + e.getMessage());
                }
                return;
            }
            NbdSession session = new NbdSession(new Wire(c), this);
            Thread t = new Thread(session, "nbd-conn " + c.peer());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Stops listening; remaining exports are withdrawn first. */
    void close() {
        for (String name : List.copyOf(exports.keySet())) {
            remove(name);
        }
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "Closing {0}: {1}", new Object[] {listener.address(), e.toString()});
        }
    }
}
