package hast.shell.ctl;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.control.ResourceInfo;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.event.HastEvent;

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
    private static final List<String> DAEMON_SUBCOMMANDS = List.of("role", "list", "status", "events", "await", "verify", "discard",
            "pause", "resume", "reload", "loglevel");
    /** Events not yet written beyond which new ones are dropped (and counted) rather than held. */
    static final int EVENT_BACKLOG = 1024;
    /** Put after the events when the caller has gone; never delivered by the feed. */
    private static final HastEvent HUNG_UP = HastEvent.of("hung-up", "");

    private final Supplier<Optional<HastNode>> node;
    private final EventFeed events;
    private final NodeAdmin admin;
    private final Path defaultConfig;

    /**
     * @param node          the running daemon, when there is one at the moment of a call
     * @param events        the daemon's events (used only while {@code node} has a daemon)
     * @param admin         create, dump and configuration look-ups
     * @param defaultConfig the configuration used when {@code -c} is not given
     */
    public Hastctl(Supplier<Optional<HastNode>> node, EventFeed events, NodeAdmin admin, Path defaultConfig) {
        this.node = node;
        this.events = events;
        this.admin = admin;
        this.defaultConfig = defaultConfig;
    }

    /** Runs a command line whose caller never hangs up: it runs until it ends or is interrupted. */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, Hangup.NEVER);
    }

    /**
     * Runs one command line (subcommand first, or options first). Output that must reach the
     * caller at once (events, verify's progress) is flushed; the rest is not.
     *
     * @param hangup tells {@code events} when to stop
     * @return the exit status, as the reference's hastctl would exit
     */
    public int run(List<String> args, PrintStream out, PrintStream err, Hangup hangup) {
        try {
            CommandLine cmd = CommandLine.parse(args);
            if (cmd.help()) {
                out.print(Help.of(cmd.helpTopic()));
                return Sysexits.EX_OK;
            }
            return switch (cmd.subcommand()) {
                case "create" -> create(cmd, err);
                case "dump" -> dump(cmd, out, err);
                case "check" -> check(cmd, out);
                case "role" -> role(cmd, err);
                case "list", "status" -> show(cmd, out);
                case "events" -> events(cmd, out, err, hangup);
                case "await" -> Await.run(daemon(), cmd, err, hangup);
                case "verify" -> verify(cmd, out, err, hangup);
                case "discard" -> Discard.run(daemon(), cmd, out, err);
                case "pause", "resume" -> SyncControl.run(daemon(), cmd, out, err);
                case "reload" -> reload();
                case "loglevel" -> {
                    daemon();  // the level of this process means nothing unless it is hastd
                    yield LogLevel.run(cmd, out);
                }
                default -> throw new IllegalStateException("Subcommand '" + cmd.subcommand() + "' has no handler");
            };
        } catch (HastException e) {
            err.println(e.getMessage());
            return e.status();
        }
    }

    /**
     * The resources a command line may name, for completion: hastd's when it runs here, else
     * those of the configuration; none when neither can be read.
     */
    public List<String> resourceNames() {
        Optional<HastNode> daemon = node.get();
        if (daemon.isPresent()) {
            return daemon.get().resources().stream().map(ResourceInfo::name).toList();
        }
        try {
            return admin.resourceNames(defaultConfig);
        } catch (HastException unreadable) {
            return List.of();
        }
    }

    /** Every subcommand: what hastctl(8) documents. */
    public static List<String> subcommands() {
        return CommandLine.SUBCOMMANDS;
    }

    /** The options {@code subcommand} accepts, as they are typed: what hastctl(8) documents. */
    public static List<String> options(String subcommand) {
        return CommandLine.options(subcommand);
    }

    /** The subcommand of a command line, if it is a valid one (help excepted). */
    public static Optional<String> subcommand(List<String> args) {
        try {
            CommandLine cmd = CommandLine.parse(args);
            return cmd.help() ? Optional.empty() : Optional.of(cmd.subcommand());
        } catch (HastException usageError) {
            return Optional.empty();
        }
    }

    /**
     * The question to ask on a terminal before running a command line that gives data up
     * ({@code discard} without {@code -y}); empty when it needs none.
     */
    public static Optional<String> confirmation(List<String> args) {
        try {
            return Discard.question(CommandLine.parse(args));
        } catch (HastException usageError) {
            return Optional.empty();
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
        JsonOutput json = new JsonOutput();
        for (String name : all ? known : cmd.operands()) {
            if (!known.contains(name)) {
                status.report(unknownResource(name));
                continue;
            }
            try {
                if (cmd.json()) {
                    json.dump(admin.dump(config, name));
                } else {
                    Output.dump(out, admin.dump(config, name));
                }
            } catch (HastException e) {
                status.report(e);
            }
        }
        if (cmd.json()) {
            out.println(json.document());
        }
        return status.exitStatus();
    }

    /** Problems go out as the exception's message, one line each, with the status of the first. */
    private int check(CommandLine cmd, PrintStream out) throws HastException {
        admin.check(cmd.config(defaultConfig), cmd.operands()).forEach(out::println);
        return Sysexits.EX_OK;
    }

    private int role(CommandLine cmd, PrintStream err) throws HastException {
        Role role = cmd.role();
        HastNode daemon = daemon();
        FirstFailure status = new FirstFailure(err);
        for (String name : daemonNames(daemon, cmd.operands().subList(1, cmd.operands().size()))) {
            try {
                changeRole(daemon, name, role, cmd.force(), cmd.debug(), err);
            } catch (HastException e) {
                // The reference only has hastd's error number; ours says what went wrong.
                status.report(e.status(), "[" + name + "] " + (e.status() == EHAST_NOENTRY
                        ? "Received error " + EHAST_NOENTRY + " from hastd." : e.getMessage()));
            }
        }
        return status.exitStatus();
    }

    /** @param force {@code -f}: hastd promotes even an inconsistent copy (and logs it) */
    private static void changeRole(HastNode daemon, String name, Role role, boolean force, int debug, PrintStream err)
            throws HastException {
        if (daemon.resource(name).isEmpty()) {
            throw new HastException(EHAST_NOENTRY, "Unknown resource " + name + ".");
        }
        Role previous = daemon.setRole(name, role, force);
        if (previous != role && debug >= 1) {
            err.println("[" + name + "] Role changed from " + previous.label() + " to " + role.label() + ".");
        } else if (previous == role && debug >= 2) {
            err.println("[" + name + "] Role unchanged (" + previous.label() + ").");
        }
    }

    private int show(CommandLine cmd, PrintStream out) throws HastException {
        ResourceReport report = report(cmd);
        report.print(out);
        return report.exitStatus();
    }

    /**
     * What {@code list} or {@code status} reports, as an object (the console's result).
     *
     * @return empty when the line is not list or status, or asks for help instead
     * @throws HastException a usage error, or no daemon here
     */
    public Optional<ResourceReport> report(List<String> args) throws HastException {
        CommandLine cmd = CommandLine.parse(args);
        if (cmd.help() || !List.of("list", "status").contains(cmd.subcommand())) {
            return Optional.empty();
        }
        return Optional.of(report(cmd));
    }

    private ResourceReport report(CommandLine cmd) throws HastException {
        HastNode daemon = daemon();
        return new ResourceReport(cmd.subcommand(), cmd.json(), daemonNames(daemon, cmd.operands()), daemon::resource);
    }

    /**
     * Follows events until the caller hangs up or the thread is interrupted, one line each,
     * flushed at once. Events arriving faster than they can be written queue up to a point,
     * then are dropped and counted on standard error.
     */
    private int events(CommandLine cmd, PrintStream out, PrintStream err, Hangup hangup) throws HastException {
        HastNode daemon = daemon();
        boolean all = cmd.operands().isEmpty() || cmd.operands().get(0).equals("all");
        FirstFailure unknown = new FirstFailure(err);
        for (String name : all ? List.<String>of() : cmd.operands()) {
            if (daemon.resource(name).isEmpty()) {
                unknown.report(EHAST_NOENTRY, "Unknown resource " + name + ".");
            }
        }
        if (unknown.exitStatus() != Sysexits.EX_OK) {
            return unknown.exitStatus();
        }
        BlockingQueue<HastEvent> queue = new LinkedBlockingQueue<>();
        AtomicLong dropped = new AtomicLong();
        try (EventFeed.Subscription s = events.follow(all ? List.of() : cmd.operands(), e -> {
            if (queue.size() < EVENT_BACKLOG) {
                queue.add(e);
            } else {
                dropped.incrementAndGet();
            }
        })) {
            hangup.onHangup(() -> queue.add(HUNG_UP));
            // Taken after subscribing: a change from now on is either in it or queued, never missed.
            for (String name : daemonNames(daemon, all ? List.of() : cmd.operands())) {
                Optional<ResourceInfo> r = daemon.resource(name);
                if (r.isPresent()) {
                    out.println(cmd.json() ? state(r.get()).toJson() : Output.event(state(r.get())));
                }
            }
            out.flush();
            if (cmd.debug() >= 1) {
                err.println("Following events of " + (all ? "all resources" : String.join(", ", cmd.operands()))
                        + "; interrupt to stop.");
                err.flush();
            }
            for (HastEvent e = queue.take(); e != HUNG_UP; e = queue.take()) {
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    err.println("hastctl: " + lost + " events dropped: they came faster than they could be written.");
                    err.flush();
                }
                out.println(cmd.json() ? e.toJson() : Output.event(e));
                out.flush();
                if (out.checkError()) {
                    break;  // nobody reads any more
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
        return Sysexits.EX_OK;
    }

    /** A resource's state as {@code events} prints it first: role, status and problem, and the state word. */
    private static HastEvent state(ResourceInfo r) {
        return HastEvent.of("state", r.name(), r.role().label(), r.status() == null ? "-" : r.status(),
                r.connected() ? "connected" : "disconnected", ResourceState.of(r).label());
    }

    /**
     * Exit status: the first failure's, else 1 when some extent differed, else 0. A hang-up (the
     * client gone, Ctrl-C in the console) stops it after the extent being compared: the only
     * safe point, since an interrupt in the middle of a disk read would close the disk's channel.
     */
    private int verify(CommandLine cmd, PrintStream out, PrintStream err, Hangup hangup) throws HastException {
        HastNode daemon = daemon();
        FirstFailure status = new FirstFailure(err);
        boolean differences = false;
        AtomicBoolean cancelled = new AtomicBoolean();
        hangup.onHangup(() -> cancelled.set(true));
        for (String name : cmd.operands()) {
            VerifyProgress progress = (done, extents) -> {
                if (cmd.debug() >= 1) {
                    Output.verifyProgress(err, name, done, extents);
                }
                if (cancelled.get() && done < extents) {
                    throw new Cancelled(done, extents);
                }
            };
            try {
                Verification v = daemon.verify(name, progress);
                Output.verification(out, name, v);
                differences |= !v.differing().isEmpty();
            } catch (HastException e) {
                status.report(e);
            } catch (Cancelled c) {
                status.report(Sysexits.EX_TEMPFAIL, "[" + name + "] Verification cancelled after " + c.done + " of "
                        + c.extents + " extents.");
                break;
            }
        }
        if (status.exitStatus() != Sysexits.EX_OK) {
            return status.exitStatus();
        }
        return differences ? 1 : Sysexits.EX_OK;
    }

    /** Thrown out of the verifier's progress call, which it lets through once the extent is done. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long done;
        final long extents;

        Cancelled(long done, long extents) {
            super(null, null, false, false);
            this.done = done;
            this.extents = extents;
        }
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
    static List<String> daemonNames(HastNode daemon, List<String> operands) {
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
}
