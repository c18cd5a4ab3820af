package hast.shell.gogo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import hast.api.HastException;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.shell.control.WhiteboardFeed;
import hast.shell.ctl.EventFeed;
import hast.shell.ctl.Hangup;
import hast.shell.ctl.Hastctl;
import hast.shell.ctl.Help;
import hast.shell.ctl.ResourceReport;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * hastctl in the Gogo shell ({@code hastctl:status}, {@code hastctl:role primary all}, ...): the
 * same implementation as the command-line client, run inside the daemon, where {@code -c}
 * defaults to the configuration file the daemon runs with. A command that fails throws, so that
 * Gogo shows the message. Results are objects Gogo prints, pipes and keeps in variables:
 * {@link ResourceReport} for list and status, text for the others. {@code hastctl:events} runs
 * until interrupted (Ctrl-C).
 */
@Component(service = HastctlCommands.class)
@GogoCommand(scope = "hastctl", function = {"create", "role", "list", "status", "dump", "events", "await", "verify",
    "discard", "pause", "resume", "reload", "loglevel", "check", "help"})
public final class HastctlCommands {
    /** Set by Gogo in a session that has a terminal: its JLine Terminal. */
    private static final String TERMINAL = ".terminal";
    private static final String OPERANDS = "options and operands, as hastctl takes them";
    private final NodeAdmin admin;
    private final EventFeed events;
    private volatile HastNode node;

    @Activate
    public HastctlCommands(BundleContext context, @Reference NodeAdmin admin) {
        this(admin, new WhiteboardFeed(context));
    }

    HastctlCommands(NodeAdmin admin, EventFeed events) {
        this.admin = admin;
        this.events = events;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindNode(HastNode daemon) {
        node = daemon;
    }

    void unbindNode(HastNode daemon) {
        if (node == daemon) {
            node = null;
        }
    }

    // Each description is the text of 'hastctl <subcommand> -h', so that 'help hastctl:role' tells
    // what the client's help tells.

    @Descriptor(Help.CREATE)
    public Object create(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "create", args);
    }

    @Descriptor(Help.ROLE)
    public Object role(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "role", args);
    }

    /** The resources as an object that prints as the client's text (tables for status). */
    @Descriptor(Help.LIST)
    public Object list(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return show(session, "list", args);
    }

    @Descriptor(Help.STATUS)
    public Object status(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return show(session, "status", args);
    }

    @Descriptor(Help.DUMP)
    public Object dump(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "dump", args);
    }

    /** Streams until Ctrl-C, which ends the command, not the daemon. */
    @Descriptor(Help.EVENTS)
    public void events(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        run(session, "events", args);
    }

    /** Blocks until the condition holds, the time limit passes or Ctrl-C. */
    @Descriptor(Help.AWAIT)
    public Object await(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "await", args);
    }

    @Descriptor(Help.VERIFY)
    public Object verify(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "verify", args);
    }

    @Descriptor(Help.DISCARD)
    public Object discard(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "discard", args);
    }

    @Descriptor(Help.PAUSE)
    public Object pause(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "pause", args);
    }

    @Descriptor(Help.RESUME)
    public Object resume(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "resume", args);
    }

    @Descriptor(Help.RELOAD)
    public Object reload(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "reload", args);
    }

    @Descriptor(Help.LOGLEVEL)
    public Object loglevel(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "loglevel", args);
    }

    @Descriptor(Help.CHECK)
    public Object check(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "check", args);
    }

    @Descriptor(Help.GENERAL)
    public Object help(CommandSession session, @Descriptor(OPERANDS) String... args) throws HastException {
        return run(session, "help", args);
    }

    private Object show(CommandSession session, String subcommand, String... args) throws HastException {
        Optional<ResourceReport> report = hastctl().report(line(subcommand, args));
        if (report.isEmpty()) {
            return run(session, subcommand, args);  // help
        }
        // The JSON document is text for scripts; the object would print as the same text anyway.
        return report.get().json() ? report.get().toString() : report.get();
    }

    /**
     * Runs a command line as the client does. What the client would print on standard output is
     * returned as text, so that Gogo prints it, pipes it or keeps it in a variable; events and
     * verify's progress cannot wait, so they print at once to the command's own streams (which
     * Gogo points at the terminal or the next command of a pipe).
     *
     * @return the output, or null when there is none
     */
    private Object run(CommandSession session, String subcommand, String... args) throws HastException {
        Object terminal = session.get(TERMINAL);
        if (terminal == null) {
            return run(subcommand, args, Hangup.NEVER);  // no Ctrl-C without a terminal
        }
        try (ConsoleInterrupt ctrlC = new ConsoleInterrupt(terminal)) {
            try {
                return run(subcommand, args, ctrlC);
            } finally {
                if (ctrlC.pressed()) {
                    System.out.println();  // what follows starts a line of its own, not after the echoed ^C
                }
            }
        }
    }

    private Object run(String subcommand, String[] args, Hangup hangup) throws HastException {
        boolean streams = subcommand.equals("events") || subcommand.equals("verify");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(messages, true, StandardCharsets.UTF_8)) {
            status = hastctl().run(line(subcommand, args), streams ? System.out : out, streams ? System.err : err,
                    hangup);
        }
        System.out.flush();
        System.err.flush();
        String message = messages.toString(StandardCharsets.UTF_8).strip();
        if (status != 0) {
            throw new HastException(status, message.isEmpty()
                    ? "hastctl " + subcommand + " failed with exit status " + status : message);
        }
        if (!message.isEmpty()) {
            System.err.println(message);
        }
        String output = text.toString(StandardCharsets.UTF_8);
        return output.isEmpty() ? null : output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
    }

    /** hastctl as this daemon runs it: the configuration defaults to the daemon's own. */
    Hastctl hastctl() {
        HastNode daemon = node;
        return new Hastctl(() -> Optional.ofNullable(daemon), events, admin,
                daemon == null ? Hastctl.DEFAULT_CONFIG : daemon.configPath());
    }

    private static List<String> line(String subcommand, String... args) {
        List<String> line = new ArrayList<>(args.length + 1);
        line.add(subcommand);
        line.addAll(List.of(args));
        return line;
    }
}
