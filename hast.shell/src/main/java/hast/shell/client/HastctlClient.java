package hast.shell.client;

import java.io.Console;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.NodeAdmin;
import hast.shell.control.ControlProtocol;
import hast.shell.ctl.Hastctl;

import sun.misc.Signal;

/**
 * The command-line hastctl, run on a plain class path without a framework so that it answers
 * at once. create, dump and help run here, on the local providers; role, list, status, events,
 * verify and reload are sent to hastd's control socket and run there, and what they print comes
 * back as they print it. {@code events} ends with status 0 when interrupted (SIGINT), and with
 * {@link Sysexits#EX_UNAVAILABLE} when hastd goes away, so that a script following it notices;
 * {@code await} interrupted ends as its time limit does.
 */
public final class HastctlClient {
    private final NodeAdmin admin;
    private final Hastctl local;
    /** The connection of the command under way, for {@link #hangUp()}. */
    private volatile SocketChannel connection;
    private volatile boolean hungUp;

    HastctlClient(NodeAdmin admin) {
        this.admin = admin;
        this.local = new Hastctl(Optional::empty, (resources, sink) -> {
            throw new IllegalStateException("events are followed inside hastd only");
        }, admin, Hastctl.DEFAULT_CONFIG);
    }

    public static void main(String[] args) {
        int status;
        try {
            HastctlClient client = new HastctlClient(findAdmin());
            if (Hastctl.subcommand(List.of(args)).filter(s -> s.equals("events") || s.equals("await")).isPresent()) {
                // Interrupting is how events ends: hang up, and the command ends well (await gives up).
                Signal.handle(new Signal("INT"), s -> client.hangUp());
            }
            Console terminal = System.console();
            status = client.run(confirmed(List.of(args), terminal == null ? null : q -> terminal.readLine("%s", q)),
                    System.out, System.err);
        } catch (HastException e) {
            System.err.println(e.getMessage());
            status = e.status();
        }
        System.out.flush();
        System.exit(status);
    }

    /**
     * The command line as confirmed on the terminal: with {@code -y} added when the operator
     * answered yes to what it would give up; unchanged without a terminal (hastd then asks for
     * {@code -y}) or when nothing needs asking.
     *
     * @param terminal asks a question and returns the answer (null at end of input); null without a terminal
     * @throws HastException the operator did not answer yes
     */
    static List<String> confirmed(List<String> args, UnaryOperator<String> terminal) throws HastException {
        Optional<String> question = Hastctl.confirmation(args);
        if (question.isEmpty() || terminal == null) {
            return args;
        }
        String answer = terminal.apply(question.get());
        if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
            throw new HastException(1, "Not confirmed; nothing was changed.");
        }
        List<String> yes = new ArrayList<>(args);
        yes.add(0, "-y");
        return yes;
    }

    /** The engine's NodeAdmin, which hast.engine.jar registers for {@link ServiceLoader}. */
    static NodeAdmin findAdmin() throws HastException {
        try {
            return ServiceLoader.load(NodeAdmin.class).findFirst().orElseThrow(() -> new HastException(
                    Sysexits.EX_UNAVAILABLE, "hastctl: no " + NodeAdmin.class.getName()
                            + " on the class path; is hast.engine.jar missing?"));
        } catch (ServiceConfigurationError e) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "hastctl: the NodeAdmin on the class path cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    /** Runs one command line, here or in the daemon; returns the exit status. */
    int run(List<String> args, PrintStream out, PrintStream err) {
        Optional<Path> config = local.daemonConfig(args);
        if (config.isEmpty()) {
            return local.run(args, out, err);
        }
        boolean follows = Hastctl.subcommand(args).filter("events"::equals).isPresent();
        try {
            ControlProtocol.Reply reply = ask(admin.controlAddress(config.get()), args, (stream, bytes) -> {
                PrintStream to = stream == ControlProtocol.Stream.OUT ? out : err;
                to.write(bytes, 0, bytes.length);
                to.flush();
            });
            out.write(reply.out(), 0, reply.out().length);
            out.flush();
            err.write(reply.err(), 0, reply.err().length);
            err.flush();
            return reply.status();
        } catch (HungUp e) {
            return follows ? Sysexits.EX_OK : Sysexits.EX_TEMPFAIL;
        } catch (HastException e) {
            if (follows && e.getCause() instanceof EOFException) {
                // hastd stopped (or restarts): the events it could send have been printed.
                err.println("hastctl: hastd closed the connection; it is no longer running.");
                return Sysexits.EX_UNAVAILABLE;
            }
            err.println(e.getMessage());
            return e.status();
        }
    }

    /** Ends a running {@code events}: the connection is closed, and run returns 0. */
    void hangUp() {
        hungUp = true;
        SocketChannel ch = connection;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // Closed either way.
            }
        }
    }

    /** The connection was closed by {@link #hangUp()}, as asked. */
    private static final class HungUp extends HastException {
        private static final long serialVersionUID = 1L;

        HungUp() {
            super(Sysexits.EX_OK, "interrupted");
        }
    }

    private ControlProtocol.Reply ask(HastAddress control, List<String> args, ControlProtocol.ChunkSink sink)
            throws HastException {
        ByteBuffer request;
        try {
            request = ControlProtocol.request(args);
        } catch (IllegalArgumentException e) {
            throw new HastException(Sysexits.EX_USAGE, "hastctl: " + e.getMessage() + ".");
        }
        if (control.scheme() != HastAddress.Scheme.UDS) {
            throw new HastException(Sysexits.EX_OSERR, "Unable to connect to hastd via " + control
                    + ": only Unix-domain control sockets (uds:///path) are supported.");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            connection = ch;
            if (hungUp) {
                throw new HungUp();
            }
            try {
                ch.connect(UnixDomainSocketAddress.of(control.path()));
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_OSERR, "Unable to connect to hastd via " + control + ": "
                        + e.getMessage(), e);
            }
            try {
                ControlProtocol.writeFully(ch, request);
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_UNAVAILABLE, "Unable to send command to hastd via " + control
                        + ": " + e.getMessage(), e);
            }
            return ControlProtocol.readReply(ch, sink);
        } catch (IOException e) {
            if (hungUp) {
                throw new HungUp();
            }
            throw new HastException(Sysexits.EX_UNAVAILABLE, "Cannot receive reply from hastd via " + control
                    + ": " + e.getMessage(), e);
        }
    }
}
