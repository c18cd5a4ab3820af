package hast.shell.ctl;

import java.io.PrintStream;
import java.nio.file.Path;
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
    /** Where the configuration is when {@code -c} does not say, as in the reference. */
    public static final Path DEFAULT_CONFIG = Path.of("/etc/hast.conf");
    /** EHAST_NOENTRY: hastd's per-resource error for a name it does not know. */
    static final int EHAST_NOENTRY = 1;
    private static final List<String> DAEMON_SUBCOMMANDS = List.of("role", "list", "status", "reload");

    private final Supplier<Optional<HastNode>> node;
    private final NodeAdmin admin;
    private final Path defaultConfig;

    /**
     * @param node          the running daemon, when there is one at the moment of a call
     * @param admin         create, dump and configuration look-ups
     * @param defaultConfig the configuration used when {@code -c} is not given
     */
    public Hastctl(Supplier<Optional<HastNode>> node, NodeAdmin admin, Path defaultConfig) {
        this.node = node;
        this.admin = admin;
        this.defaultConfig = defaultConfig;
    }

    /**
     * Runs one command line (subcommand first, or options first).
     *
     * @return the exit status, as the reference's hastctl would exit
     */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            CommandLine cmd = CommandLine.parse(args);
            if (cmd.help()) {
                out.print(Help.of(cmd.helpTopic()));
                return Sysexits.EX_OK;
            }
            return switch (cmd.subcommand()) {
                case "create" -> create(cmd, err);
                case "dump" -> dump(cmd, out, err);
                case "role" -> role(cmd, err);
                case "list", "status" -> show(cmd, out);
                case "reload" -> reload();
                default -> throw new IllegalStateException("Subcommand '" + cmd.subcommand() + "' has no handler");
            };
        } catch (HastException e) {
            err.println(e.getMessage());
            return e.status();
        }
    }

    /**
     * Where a command line must run when hastctl is a process of its own.
     *
     * @return the configuration file naming the control socket of the daemon that runs it; empty
     *         when it runs without a daemon: create, dump, help, and lines with usage errors (so
     *         that they are reported without asking anyone)
     */
    public Optional<Path> daemonConfig(List<String> args) {
        try {
            CommandLine cmd = CommandLine.parse(args);
            if (cmd.help() || !DAEMON_SUBCOMMANDS.contains(cmd.subcommand())) {
                return Optional.empty();
            }
            return Optional.of(cmd.config(defaultConfig));
        } catch (HastException usageError) {
            return Optional.empty();
        }
    }

    private int create(CommandLine cmd, PrintStream err) throws HastException {
        long extentsize = size(cmd, 'e', "extentsize");
        long keepdirty = size(cmd, 'k', "keepdirty");
        long mediasize = size(cmd, 'm', "mediasize");
        Path config = cmd.config(defaultConfig);
        List<String> known = admin.resourceNames(config);
        FirstFailure status = new FirstFailure(err);
        for (String name : cmd.operands()) {
            if (!known.contains(name)) {
                status.report(unknownResource(name));
                continue;
            }
            try {
                admin.create(config, name, extentsize, keepdirty, mediasize);
            } catch (HastException e) {
                status.report(e);
            }
        }
        return status.exitStatus();
    }

    private int dump(CommandLine cmd, PrintStream out, PrintStream err) throws HastException {
        Path config = cmd.config(defaultConfig);
        List<String> known = admin.resourceNames(config);
        // Unlike list and status, dump reads 'all' only when it stands alone, as the reference does.
        boolean all = cmd.operands().isEmpty() || cmd.operands().equals(List.of("all"));
        FirstFailure status = new FirstFailure(err);
        for (String name : all ? known : cmd.operands()) {
            if (!known.contains(name)) {
                status.report(unknownResource(name));
                continue;
            }
            try {
                Output.dump(out, admin.dump(config, name));
            } catch (HastException e) {
                status.report(e);
            }
        }
        return status.exitStatus();
    }

    private int role(CommandLine cmd, PrintStream err) throws HastException {
        Role role = cmd.role();
        HastNode daemon = daemon();
        FirstFailure status = new FirstFailure(err);
        for (String name : daemonNames(daemon, cmd.operands().subList(1, cmd.operands().size()))) {
            try {
                changeRole(daemon, name, role, cmd.debug(), err);
            } catch (HastException e) {
                // The reference only has hastd's error number; ours says what went wrong.
                status.report(e.status(), "[" + name + "] " + (e.status() == EHAST_NOENTRY
                        ? "Received error " + EHAST_NOENTRY + " from hastd." : e.getMessage()));
            }
        }
        return status.exitStatus();
    }

    private static void changeRole(HastNode daemon, String name, Role role, int debug, PrintStream err)
            throws HastException {
        if (daemon.resource(name).isEmpty()) {
            throw new HastException(EHAST_NOENTRY, "Unknown resource " + name + ".");
        }
        Role previous = daemon.setRole(name, role);
        if (previous != role && debug >= 1) {
            err.println("[" + name + "] Role changed from " + previous.label() + " to " + role.label() + ".");
        } else if (previous == role && debug >= 2) {
            err.println("[" + name + "] Role unchanged (" + previous.label() + ").");
        }
    }

    private int show(CommandLine cmd, PrintStream out) throws HastException {
        HastNode daemon = daemon();
        boolean table = cmd.subcommand().equals("status");
        List<String> names = daemonNames(daemon, cmd.operands());
        if (table && !names.isEmpty()) {
            out.println(Output.STATUS_HEADER);
        }
        int status = Sysexits.EX_OK;
        for (String name : names) {
            Optional<ResourceInfo> r = daemon.resource(name);
            if (r.isEmpty()) {
                if (table) {
                    Output.statusError(out, name, EHAST_NOENTRY);
                } else {
                    Output.listError(out, name, EHAST_NOENTRY);
                }
                status = status == Sysexits.EX_OK ? EHAST_NOENTRY : status;
            } else if (table) {
                Output.statusRow(out, r.get());
            } else {
                Output.list(out, r.get());
            }
        }
        return status;
    }

    private int reload() throws HastException {
        daemon().reload();
        return Sysexits.EX_OK;
    }

    private HastNode daemon() throws HastException {
        return node.get().orElseThrow(() -> new HastException(Sysexits.EX_UNAVAILABLE,
                "hastd is not running here; this subcommand needs the daemon."));
    }

    /** As hastd reads the names it is sent: none, or 'all' first, means every configured resource. */
    private static List<String> daemonNames(HastNode daemon, List<String> operands) {
        if (operands.isEmpty() || operands.get(0).equals("all")) {
            return daemon.resources().stream().map(ResourceInfo::name).toList();
        }
        return operands;
    }

    private static HastException unknownResource(String name) {
        return new HastException(Sysexits.EX_DATAERR, "Unknown resource " + name + ".");
    }

    private static long size(CommandLine cmd, char flag, String what) throws HastException {
        Optional<String> text = cmd.option(flag);
        return text.isEmpty() ? 0 : SizeArgument.parse(what, text.get());
    }

    /** Reports each failure and keeps the first one's status, as the reference's create and dump do. */
    private static final class FirstFailure {
        private final PrintStream err;
        private int status = Sysexits.EX_OK;

        FirstFailure(PrintStream err) {
            this.err = err;
        }

        void report(HastException e) {
            report(e.status(), e.getMessage());
        }

        void report(int failure, String message) {
            err.println(message);
            if (status == Sysexits.EX_OK) {
                status = failure;
            }
        }

        int exitStatus() {
            return status;
        }
    }
}
