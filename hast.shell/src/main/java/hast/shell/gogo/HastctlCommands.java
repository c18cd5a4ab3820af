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
import hast.shell.ctl.Hastctl;

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
 * Gogo shows the message. {@code hastctl:events} runs until interrupted (Ctrl-C).
 */
@Component(service = Object.class)
@GogoCommand(scope = "hastctl", function = {"create", "role", "list", "status", "dump", "events", "verify", "reload",
    "help"})
public final class HastctlCommands {
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

    @Descriptor("initialise the metadata of resources' local providers")
    public void create(CommandSession session,
            @Descriptor("[-c config] [-e extentsize] [-k keepdirty] [-m mediasize] name ...") String... args)
            throws HastException {
        run(session, "create", args);
    }

    @Descriptor("set the role of resources")
    public void role(CommandSession session,
            @Descriptor("[-d] <init | primary | secondary> all | name ...") String... args) throws HastException {
        run(session, "role", args);
    }

    @Descriptor("show everything about resources")
    public void list(CommandSession session, @Descriptor("[--json] [all | name ...]") String... args)
            throws HastException {
        run(session, "list", args);
    }

    @Descriptor("show one line per resource")
    public void status(CommandSession session, @Descriptor("[--json] [all | name ...]") String... args)
            throws HastException {
        run(session, "status", args);
    }

    @Descriptor("print the metadata stored on resources' local providers")
    public void dump(CommandSession session, @Descriptor("[-c config] [--json] [all | name ...]") String... args)
            throws HastException {
        run(session, "dump", args);
    }

    @Descriptor("follow resource events until interrupted")
    public void events(CommandSession session, @Descriptor("[-d] [--json] [all | name ...]") String... args)
            throws HastException {
        run(session, "events", args);
    }

    @Descriptor("compare both nodes' copies of primary resources and repair differences")
    public void verify(CommandSession session, @Descriptor("[-d] name ...") String... args) throws HastException {
        run(session, "verify", args);
    }

    @Descriptor("re-read the configuration file")
    public void reload(CommandSession session, @Descriptor("no operands") String... args) throws HastException {
        run(session, "reload", args);
    }

    @Descriptor("explain hastctl or one of its subcommands")
    public void help(CommandSession session, @Descriptor("[subcommand]") String... args) throws HastException {
        run(session, "help", args);
    }

    private void run(CommandSession session, String subcommand, String... args) throws HastException {
        HastNode daemon = node;
        Hastctl hastctl = new Hastctl(() -> Optional.ofNullable(daemon), events, admin,
                daemon == null ? Hastctl.DEFAULT_CONFIG : daemon.configPath());
        List<String> line = new ArrayList<>(args.length + 1);
        line.add(subcommand);
        line.addAll(List.of(args));
        PrintStream console = session.getConsole();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = hastctl.run(line, console, e);
        }
        console.flush();
        String message = err.toString(StandardCharsets.UTF_8).strip();
        if (status != 0) {
            throw new HastException(status, message.isEmpty()
                    ? "hastctl " + subcommand + " failed with exit status " + status : message);
        }
        if (!message.isEmpty()) {
            console.println(message);
        }
    }
}
