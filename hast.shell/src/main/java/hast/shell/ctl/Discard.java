package hast.shell.ctl;

import java.io.PrintStream;
import java.util.Optional;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.HastNode;

/**
 * {@code hastctl discard}: gives up the named resources' writes since their split-brain. The
 * command-line client asks on a terminal first ({@link #question}); here, in hastd or in the
 * console, only {@code -y} confirms.
 */
final class Discard {
    private Discard() {
    }

    /** What to ask before {@code cmd} runs, when it is a discard not confirmed in advance. */
    static Optional<String> question(CommandLine cmd) {
        if (cmd.help() || !cmd.subcommand().equals("discard") || cmd.yes()) {
            return Optional.empty();
        }
        return Optional.of("Give up this node's writes to " + String.join(", ", cmd.operands())
                + " since the split-brain, for the primary's copy? [y/N] ");
    }

    static int run(HastNode daemon, CommandLine cmd, PrintStream out, PrintStream err) throws HastException {
        if (!cmd.yes()) {
            throw new HastException(Sysexits.EX_USAGE, "hastctl: discard gives up this node's writes since the"
                    + " split-brain; confirm with -y (hastctl asks on a terminal).");
        }
        FirstFailure status = new FirstFailure(err);
        for (String name : cmd.operands()) {
            try {
                out.println(daemon.discard(name));
            } catch (HastException e) {
                status.report(e);
            }
        }
        return status.exitStatus();
    }
}
