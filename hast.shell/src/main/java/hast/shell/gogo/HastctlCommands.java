package hast.shell.gogo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.shell.ctl.Hastctl;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * hastctl in the Gogo shell ({@code hastctl:status}, {@code hastctl:role primary all}, ...): the
 * same implementation as the command-line client, run inside the daemon.
 */
@Component(service = HastctlCommands.class, property = {"osgi.command.scope=hastctl",
        "osgi.command.function=create", "osgi.command.function=role", "osgi.command.function=list",
        "osgi.command.function=status", "osgi.command.function=dump", "osgi.command.function=reload"})
public final class HastctlCommands {
    private static final Path DEFAULT_CONFIG = Path.of("/etc/hast.conf");

    @Reference
    private NodeAdmin admin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HastNode node;

    @Descriptor("initialise a resource's local provider: create [-e extentsize] [-k keepdirty] [-m mediasize] name ...")
    public void create(CommandSession session, String... args) {
        run(session, "create", args);
    }

    @Descriptor("set the role of resources: role <init|primary|secondary> all|name ...")
    public void role(CommandSession session, String... args) {
        run(session, "role", args);
    }

    @Descriptor("show resources in detail: list [all|name ...]")
    public void list(CommandSession session, String... args) {
        run(session, "list", args);
    }

    @Descriptor("show one line per resource: status [all|name ...]")
    public void status(CommandSession session, String... args) {
        run(session, "status", args);
    }

    @Descriptor("print the metadata of local providers: dump [all|name ...]")
    public void dump(CommandSession session, String... args) {
        run(session, "dump", args);
    }

    @Descriptor("re-read the configuration file")
    public void reload(CommandSession session, String... args) {
        run(session, "reload", args);
    }

    /** Runs hastctl; a failure becomes an exception so that Gogo reports it. */
    private void run(CommandSession session, String subcommand, String... args) {
        HastNode current = node;
        Hastctl hastctl = new Hastctl(() -> Optional.ofNullable(current), admin,
                current == null ? DEFAULT_CONFIG : current.configPath());
        List<String> line = new ArrayList<>(List.of(subcommand));
        line.addAll(List.of(args));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream console = session.getConsole();
        int status;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = hastctl.run(line, console, e);
        }
        console.flush();
        String message = err.toString(StandardCharsets.UTF_8).strip();
        if (status != 0) {
            throw new IllegalStateException(message.isEmpty() ? "hastctl " + subcommand + " failed with status " + status
                    : message);
        }
        if (!message.isEmpty()) {
            console.println(message);
        }
    }
}
