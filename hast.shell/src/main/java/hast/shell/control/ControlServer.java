package hast.shell.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.shell.ctl.Hastctl;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * hastd's control socket: each connection carries one hastctl command line, which runs here and
 * is answered with its output and exit status. A client that does not send a whole request in
 * time, or does not take its answer, is dropped, so it holds a worker for a bounded time only.
 */
@Component(immediate = true)
public final class ControlServer {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int WORKERS = 4;
    /** Connections waiting for a worker; beyond this, new ones are told to try again. */
    private static final int BACKLOG = 16;
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

    private final Hastctl hastctl;
    private final ControlSocket socket;
    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean stopping;

    @Activate
    public ControlServer(@Reference HastNode node, @Reference NodeAdmin admin) throws IOException {
        this(node, admin, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long a client may take to send its request, and to take its reply */
    ControlServer(HastNode node, NodeAdmin admin, Duration timeout) throws IOException {
        this.hastctl = new Hastctl(() -> Optional.of(node), admin, node.configPath());
        this.timeout = timeout;
        this.socket = ControlSocket.bind(node.controlAddress());
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(BACKLOG), daemonThreads("hastctl-request"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemonThreads("hastctl-timeout"));
        this.acceptor = daemonThreads("hastctl-accept").newThread(this::acceptLoop);
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
                refuseBusy(client);
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ControlProtocol.Reply reply;
            try {
                List<String> args = withinTimeout(client, () -> ControlProtocol.readRequest(client));
                reply = execute(args);
            } catch (ControlProtocol.MalformedException e) {
                LOG.warning(() -> "Refused a control request: " + e.getMessage());
                reply = failure(Sysexits.EX_SOFTWARE, "hastd: malformed control request: " + e.getMessage());
            }
            ControlProtocol.Reply answer = reply;
            withinTimeout(client, () -> {
                ControlProtocol.writeReply(client, answer);
                return null;
            });
        } catch (IOException e) {
            LOG.fine(() -> "Control connection dropped: " + e);
        } finally {
            clients.remove(client);
        }
    }

    private ControlProtocol.Reply execute(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = hastctl.run(args, o, e);
            return new ControlProtocol.Reply(status, out.toByteArray(), err.toByteArray());
        } catch (RuntimeException e) {
            // A bug behind the command: the client hears of it instead of seeing the connection drop.
            LOG.log(Level.SEVERE, "hastctl " + String.join(" ", args) + " failed", e);
            return failure(Sysexits.EX_SOFTWARE, "hastd: internal error running the command: " + e);
        }
    }

    /** Runs one blocking exchange, closing the connection (which ends the exchange) when it takes too long. */
    private <T> T withinTimeout(SocketChannel client, Exchange<T> exchange) throws IOException {
        ScheduledFuture<?> alarm;
        try {
            alarm = watchdog.schedule(() -> closeQuietly(client), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            throw new IOException("the control socket is closing");
        }
        try {
            return exchange.run();
        } catch (IOException e) {
            if (alarm.isDone() && !alarm.isCancelled()) {
                throw new IOException("client took longer than " + timeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
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

    private void refuseBusy(SocketChannel client) {
        if (!stopping) {
            LOG.warning(() -> "Too many control connections at once; one was refused.");
            // A fresh connection's send buffer is empty, so this small write cannot block the acceptor.
            try {
                ControlProtocol.writeReply(client, failure(Sysexits.EX_TEMPFAIL,
                        "hastd: too many hastctl requests at once; try again."));
            } catch (IOException e) {
                LOG.fine(() -> "Busy reply not delivered: " + e);
            }
        }
        clients.remove(client);
        closeQuietly(client);
    }

    private static ControlProtocol.Reply failure(int status, String message) {
        return new ControlProtocol.Reply(status, new byte[0], (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.fine(() -> "Closing a control connection failed: " + e);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops listening, removes the socket file and closes open connections. A command already
     * running is not cut short (a role change finishes), but its reply is lost.
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
        watchdog.shutdownNow();
        clients.forEach(ControlServer::closeQuietly);
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }
}
