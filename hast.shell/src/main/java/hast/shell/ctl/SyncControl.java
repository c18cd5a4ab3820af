package hast.shell.ctl;

import java.io.PrintStream;
import java.util.List;

import hast.api.HastException;
import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;

/**
 * {@code hastctl pause} and {@code resume}: hold a primary's synchronisation and let it go on.
 * {@code all} means every primary synchronising (pause) or paused (resume), so that it never
 * fails for the resources it does not apply to.
 */
final class SyncControl {
    private SyncControl() {
    }

    static int run(HastNode daemon, CommandLine cmd, PrintStream out, PrintStream err) throws HastException {
        boolean pause = cmd.subcommand().equals("pause");
        List<String> names = cmd.operands().contains("all") ? daemon.resources().stream()
                .filter(r -> r.role() == Role.PRIMARY && r.syncrate() != null
                        && (pause ? r.sync() != null && !r.syncrate().paused() : r.syncrate().paused()))
                .map(ResourceInfo::name).toList() : cmd.operands();
        FirstFailure status = new FirstFailure(err);
        for (String name : names) {
            try {
                out.println(pause ? daemon.pauseSync(name) : daemon.resumeSync(name));
            } catch (HastException e) {
                status.report(e);
            }
        }
        return status.exitStatus();
    }
}
