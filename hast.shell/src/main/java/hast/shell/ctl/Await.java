package hast.shell.ctl;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;

/**
 * {@code hastctl await}: waits until every named resource meets a condition, looking again every
 * {@link #POLL_MILLIS} (the daemon's state is in memory, so a look costs nothing worth saving);
 * the time limit, or the caller hanging up, ends it with {@link Sysexits#EX_TEMPFAIL} and the
 * resources that did not get there.
 */
final class Await {
    /** How often the resources are looked at again: a change is seen this soon. */
    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    static int run(HastNode daemon, CommandLine cmd, PrintStream err, Hangup hangup) throws HastException {
        String condition = cmd.operands().get(0);
        List<String> names = Hastctl.daemonNames(daemon, cmd.operands().subList(1, cmd.operands().size()));
        for (String name : names) {
            if (daemon.resource(name).isEmpty()) {
                err.println("Unknown resource " + name + ".");
                return Hastctl.EHAST_NOENTRY;
            }
        }
        long seconds = cmd.seconds();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(seconds, 0));
        AtomicBoolean hungUp = new AtomicBoolean();
        hangup.onHangup(() -> hungUp.set(true));
        while (true) {
            List<ResourceInfo> behind = names.stream().map(daemon::resource).flatMap(Optional::stream)
                    .filter(r -> !meets(r, condition)).toList();
            if (behind.isEmpty()) {
                return Sysexits.EX_OK;
            }
            if (hungUp.get() || seconds >= 0 && System.nanoTime() - deadline >= 0) {
                for (ResourceInfo r : behind) {
                    err.println("[" + r.name() + "] Not " + condition + " " + (hungUp.get() ? "when interrupted"
                            : "after " + seconds + " s") + ": role " + r.role().label() + ", "
                            + ResourceState.of(r).label() + (r.connected() ? ", connected." : ", not connected."));
                }
                return Sysexits.EX_TEMPFAIL;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                hungUp.set(true);
            }
        }
    }

    private static boolean meets(ResourceInfo r, String condition) {
        return switch (condition) {
            case "complete" -> ResourceState.of(r) == ResourceState.COMPLETE;
            case "connected" -> r.connected();
            default -> r.role() == Role.parse(condition);
        };
    }
}
