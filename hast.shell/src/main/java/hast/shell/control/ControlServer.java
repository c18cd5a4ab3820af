package hast.shell.control;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.shell.ctl.EventFeed;
import hast.shell.ctl.Hastctl;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * hastd's control socket: each connection carries one hastctl command line, which runs here and
 * is answered with its output and exit status. Only the socket's owner and root are served. A
 * client that does not send a whole request in time, or does not take its answer, is dropped, so
 * it holds a worker for a bounded time only; commands that run long (events, verify) move to
 * threads of their own, so that they never keep the workers from other clients.
 */
@Component(immediate = true)
public final class ControlServer {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int WORKERS = 4;
    /** Connections waiting for a worker; beyond this, new ones are told to try again. */
    private static final int BACKLOG = 16;
    /** events and verify running at once; beyond this, new ones are told to try again. */
    static final int LONG_RUNNING = 16;
    private static final List<String> RUN_LONG = List.of("events", "verify");
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

    private final Hastctl hastctl;
    private final ControlSocket socket;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor longRunning;
    private final Watchdog watchdog;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean stopping;

    @Activate
    public ControlServer(BundleContext context, @Reference HastNode node, @Reference NodeAdmin admin)
            throws IOException {
        this(node, admin, new WhiteboardFeed(context), DEFAULT_TIMEOUT);
    }

    /** @param timeout how long a client may take to send its request, and to take each write */
    public ControlServer(HastNode node, NodeAdmin admin, EventFeed events, Duration timeout) throws IOException {
        this.hastctl = new Hastctl(() -> Optional.of(node), events, admin, node.configPath());
        this.watchdog = new Watchdog(timeout);
        this.socket = ControlSocket.bind(node.controlAddress());
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(BACKLOG), DaemonThreads.numbered("hastctl-request-"));
        this.longRunning = new ThreadPoolExecutor(0, LONG_RUNNING, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("hastctl-long-"));
        this.acceptor = DaemonThreads.numbered("hastctl-accept-").newThread(this::acceptLoop);
        acceptor.start();
        LOG.info(() -> "Control socket listening on " + socket.address() + ".");
    }

    private void acceptLoop() {
        while (!stopping) {
            SocketChannel client;
            try {
                client = socket.accept();
            } catch (ClosedChannelException closed) {
                if (!stopping) {
                    LOG.severe(() -> "Control socket " + socket.address() + " closed; hastctl cannot reach hastd.");
                }
                return;
            } catch (IOException e) {
                // Such as running out of file descriptors: wait a little for some to be released.
                LOG.warning(() -> "Accepting a control connection failed: " + e.getMessage());
                if (!pause()) {
                    return;
                }
                continue;
            }
            clients.add(client);
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException busy) {
                // A fresh connection's send buffer is empty, so this small reply cannot block the acceptor.
                refuseBusy(new ControlSession(client, watchdog));
                end(client);
            }
        }
    }

    /** Checks the peer and reads the request; runs it here, or hands it to a thread of its own. */
    private void serve(SocketChannel client) {
        boolean handedOn = false;
        try {
            ControlSession session = new ControlSession(client, watchdog);
            Optional<String> refusal = socket.refusal(client);
            if (refusal.isPresent()) {
                LOG.warning(() -> "Refused a control connection: " + refusal.get());
                session.answer(ControlSession.failure(Sysexits.EX_NOPERM, refusal.get()));
                return;
            }
            List<String> args;
            try {
                args = watchdog.within(client, () -> ControlProtocol.readRequest(client));
            } catch (ControlProtocol.MalformedException e) {
                LOG.warning(() -> "Refused a control request: " + e.getMessage());
                session.answer(ControlSession.failure(Sysexits.EX_SOFTWARE, "hastd: malformed control request: "
                        + e.getMessage()));
                return;
            }
            if (Hastctl.subcommand(args).filter(RUN_LONG::contains).isPresent()) {
                try {
                    longRunning.execute(() -> runLong(session, client, args));
                    handedOn = true;
                } catch (RejectedExecutionException busy) {
                    refuseBusy(session);
                }
                return;
            }
            session.run(hastctl, args);
        } catch (IOException e) {
            LOG.fine(() -> "Control connection dropped: " + e);
        } finally {
            if (!handedOn) {
                end(client);
            }
        }
    }

    private void runLong(ControlSession session, SocketChannel client, List<String> args) {
        try {
            session.run(hastctl, args);
        } catch (IOException e) {
            LOG.fine(() -> "Control connection dropped: " + e);
        } finally {
            end(client);
        }
    }

    /** @return false when interrupted, i.e. told to stop */
    private static boolean pause() {
        try {
            Thread.sleep(ACCEPT_RETRY.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void refuseBusy(ControlSession session) {
        if (!stopping) {
            LOG.warning(() -> "Too many control connections at once; one was refused.");
            try {
                session.answer(ControlSession.failure(Sysexits.EX_TEMPFAIL,
                        "hastd: too many hastctl requests at once; try again."));
            } catch (IOException e) {
                LOG.fine(() -> "Busy reply not delivered: " + e);
            }
        }
    }

    private void end(SocketChannel client) {
        clients.remove(client);
        Watchdog.closeQuietly(client);
    }

    /**
     * Stops listening, removes the socket file and closes open connections, which ends the
     * commands that follow events. A command already running is not cut short (a role change
     * finishes), but its reply is lost.
     */
    @Deactivate
    public void deactivate() {
        stopping = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warning(() -> "Control socket " + socket.address() + " not removed: " + e.getMessage());
        }
        workers.shutdown();
        longRunning.shutdown();
        watchdog.close();
        clients.forEach(Watchdog::closeQuietly);
    }
}
