package hast.shell.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;
import hast.shell.ctl.Hastctl;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The daemon's control socket: each connection carries one hastctl command line, which runs
 * here and is answered with its output and exit status. The socket file is the owner's only
 * (mode 0600, set by the transport); bad or silent clients cost one short-lived thread.
 */
@Component(immediate = true)
public final class ControlServer {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private final Hastctl hastctl;
    private final Listener listener;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "hastctl-request");
        t.setDaemon(true);
        return t;
    });
    private final Thread acceptor;

    @Activate
    public ControlServer(@Reference HastNode node, @Reference NodeAdmin admin,
            @Reference(target = "(" + Transport.SCHEME + "=uds)") Transport uds) throws IOException {
        this.hastctl = new Hastctl(() -> Optional.of(node), admin, node.configPath());
        this.listener = uds.listen(node.controlAddress());
        this.acceptor = new Thread(this::accept, "hastctl-accept " + listener.address());
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info(() -> "Control socket listening on " + listener.address() + ".");
    }

    private void accept() {
        while (true) {
            Connection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (!Thread.currentThread().isInterrupted() && acceptor.isAlive()) {
                    LOG.log(Level.FINE, "Control socket closed: {0}", e.toString());
                }
                return;
            }
            try {
                workers.execute(() -> serve(c));
            } catch (RejectedExecutionException stopping) {
                close(c);
                return;
            }
        }
    }

    private void serve(Connection c) {
        try (c) {
            c.setReadTimeout(CLIENT_TIMEOUT);
            List<String> args;
            try {
                args = ControlProtocol.readRequest(c);
            } catch (ControlProtocol.MalformedException e) {
                LOG.warning(() -> "Refused a control request: " + e.getMessage());
                ControlProtocol.writeReply(c, new ControlProtocol.Reply(Sysexits.EX_USAGE, new byte[0],
                        ("hastd: malformed control request: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8)));
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                status = hastctl.run(args, o, e);
            }
            ControlProtocol.writeReply(c, new ControlProtocol.Reply(status, out.toByteArray(), err.toByteArray()));
        } catch (IOException e) {
            LOG.fine(() -> "Control connection dropped: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Control request failed", e);
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // The connection is being abandoned anyway.
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        acceptor.interrupt();
        listener.close();
        workers.shutdownNow();
    }
}
