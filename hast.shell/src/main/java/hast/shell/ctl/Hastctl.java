package hast.shell.ctl;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.control.ResourceInfo;

/**
 * hastctl itself: one command line in, output and an exit status out. The Gogo commands, the
 * control socket and the command-line client all run this same code; they differ only in
 * whether a daemon ({@link HastNode}) is at hand.
 */
public final class Hastctl {
    /** EHAST_NOENTRY: the per-resource error for an unknown resource. */
    static final int EHAST_NOENTRY = 1;

    private final Supplier<Optional<HastNode>> node;
    private final NodeAdmin admin;
    private final Path defaultConfig;

    /**
     * @param node          the running daemon, if any
     * @param admin         create and dump
     * @param defaultConfig the configuration used when {@code -c} is not given
     */
    public Hastctl(Supplier<Optional<HastNode>> node, NodeAdmin admin, Path defaultConfig) {
        this.node = node;
        this.admin = admin;
        this.defaultConfig = defaultConfig;
    }

    /** Runs {@code args} (subcommand first, or options first); returns the exit status. */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            CommandLine cmd = CommandLine.parse(args);
            if (cmd.help() || cmd.subcommand().equals("help")) {
                String about = cmd.subcommand().equals("help") && !cmd.operands().isEmpty() ? cmd.operands().get(0)
                        : cmd.subcommand();
                out.print(Help.of(about));
                return Sysexits.EX_OK;
            }
            Path config = cmd.options().containsKey('c') ? Path.of(cmd.options().get('c')) : defaultConfig;
            return switch (cmd.subcommand()) {
                case "create" -> create(cmd, config, err);
                case "dump" -> dump(cmd, config, out, err);
                case "role" -> role(cmd, out, err);
                case "list", "status" -> show(cmd, out);
                case "reload" -> reload(cmd);
                default -> throw new IllegalStateException("subcommand " + cmd.subcommand());
            };
        } catch (HastException e) {
            err.println(e.getMessage());
            return e.status();
        }
    }

    private int create(CommandLine cmd, Path config, PrintStream err) throws HastException {
        if (cmd.operands().isEmpty()) {
            throw CommandLine.usage("create needs at least one resource name");
        }
        long extentsize = size(cmd, 'e', "extentsize");
        long keepdirty = size(cmd, 'k', "keepdirty");
        long mediasize = size(cmd, 'm', "mediasize");
        int status = Sysexits.EX_OK;
        for (String name : cmd.operands()) {
            try {
                admin.create(config, name, extentsize, keepdirty, mediasize);
            } catch (HastException e) {
                // Like the reference: report, go on with the next name, exit with the first failure.
                err.println(e.getMessage());
                status = status == Sysexits.EX_OK ? e.status() : status;
            }
        }
        return status;
    }

    private int dump(CommandLine cmd, Path config, PrintStream out, PrintStream err) throws HastException {
        int status = Sysexits.EX_OK;
        for (String name : namesOrAll(cmd.operands(), admin.resourceNames(config))) {
            try {
                Output.dump(out, admin.dump(config, name));
            } catch (HastException e) {
                err.println(e.getMessage());
                status = status == Sysexits.EX_OK ? e.status() : status;
            }
        }
        return status;
    }

    private int role(CommandLine cmd, PrintStream out, PrintStream err) throws HastException {
        if (cmd.operands().size() < 2) {
            throw CommandLine.usage("role needs a role (init, primary or secondary) and 'all' or resource names");
        }
        Role role;
        try {
            role = Role.parse(cmd.operands().get(0));
        } catch (IllegalArgumentException e) {
            throw CommandLine.usage(e.getMessage());
        }
        HastNode daemon = daemon();
        int status = Sysexits.EX_OK;
        List<String> known = daemon.resources().stream().map(ResourceInfo::name).toList();
        for (String name : namesOrAll(cmd.operands().subList(1, cmd.operands().size()), known)) {
            try {
                Role previous = daemon.setRole(name, role);
                if (cmd.debug() > 0 && previous != role) {
                    out.println("[" + name + "] Role changed from " + previous.label() + " to " + role.label() + ".");
                } else if (cmd.debug() > 1) {
                    out.println("[" + name + "] Role unchanged (" + role.label() + ").");
                }
            } catch (HastException e) {
                err.println("[" + name + "] " + (e.status() == EHAST_NOENTRY
                        ? "Received error " + EHAST_NOENTRY + " from hastd." : e.getMessage()));
                status = status == Sysexits.EX_OK ? e.status() : status;
            }
        }
        return status;
    }

    private int show(CommandLine cmd, PrintStream out) throws HastException {
        HastNode daemon = daemon();
        boolean status = cmd.subcommand().equals("status");
        List<ResourceInfo> all = daemon.resources();
        List<String> names = namesOrAll(cmd.operands(), all.stream().map(ResourceInfo::name).toList());
        if (status) {
            out.println(Output.STATUS_HEADER);
        }
        int exit = Sysexits.EX_OK;
        for (String name : names) {
            Optional<ResourceInfo> r = daemon.resource(name);
            if (r.isEmpty()) {
                out.println(status ? name + "\tERR" + EHAST_NOENTRY : name + ":\n  error: " + EHAST_NOENTRY);
                exit = exit == Sysexits.EX_OK ? EHAST_NOENTRY : exit;
            } else if (status) {
                Output.statusRow(out, r.get());
            } else {
                Output.list(out, r.get());
            }
        }
        return exit;
    }

    private int reload(CommandLine cmd) throws HastException {
        if (!cmd.operands().isEmpty()) {
            throw CommandLine.usage("reload takes no operands");
        }
        daemon().reload();
        return Sysexits.EX_OK;
    }

    private HastNode daemon() throws HastException {
        return node.get().orElseThrow(() -> new HastException(Sysexits.EX_UNAVAILABLE,
                "hastd is not running here: this command needs the daemon."));
    }

    private static List<String> namesOrAll(List<String> operands, List<String> all) {
        if (operands.isEmpty() || operands.equals(List.of("all"))) {
            return all;
        }
        return new ArrayList<>(operands);
    }

    private static long size(CommandLine cmd, char flag, String what) throws HastException {
        String text = cmd.options().get(flag);
        if (text == null) {
            return 0;
        }
        long value = SizeArgument.parse(text);
        if (value < 0) {
            throw new HastException(Sysexits.EX_USAGE, "Invalid " + what + " '" + text + "'.");
        }
        return value;
    }
}
