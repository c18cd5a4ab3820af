package hast.shell.gogo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import hast.shell.ctl.Completion;
import hast.shell.ctl.Hastctl;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.jline.builtins.Completers.CompletionData;
import org.jline.reader.ParsedLine;

/**
 * Tab completion of {@code hastctl:<subcommand>} in a Gogo console, in the form Gogo's shell
 * reads it (what its {@code complete} command declares): a description, the options, and a
 * function that names the operands that may come next, by hastctl's own rules.
 */
final class ConsoleCompletion {
    /** The session variables Gogo's shell keeps completions and the line being completed in. */
    private static final String COMPLETIONS = ".completions";
    private static final String COMMAND_LINE = ".commandLine";
    /** Hidden from command completion by its leading underscores, like Gogo's own helpers. */
    private static final String OPERANDS = "__hastctl_operands";

    private ConsoleCompletion() {
    }

    @SuppressWarnings("unchecked")
    static void install(CommandSession session, Supplier<Hastctl> hastctl) {
        Object table = session.get(COMPLETIONS);
        if (!(table instanceof Map)) {
            return;  // a shell without completion
        }
        Map<String, List<CompletionData>> completions = (Map<String, List<CompletionData>>) table;
        session.put(OPERANDS, (Function) (s, arguments) -> operands(s, hastctl));
        for (String subcommand : Completion.subcommands()) {
            completions.put("hastctl:" + subcommand, List.of(
                    new CompletionData(null, Completion.synopsis(subcommand), null, null),
                    new CompletionData(Completion.options(subcommand), null, null, null),
                    new CompletionData(null, null, OPERANDS, null)));
        }
    }

    /** The operands that may stand at the word being completed. */
    private static List<String> operands(CommandSession session, Supplier<Hastctl> hastctl) {
        if (!(session.get(COMMAND_LINE) instanceof ParsedLine line) || line.wordIndex() < 1) {
            return List.of();
        }
        String command = line.words().get(0);
        String subcommand = command.substring(command.indexOf(':') + 1);
        if (!Completion.subcommands().contains(subcommand)) {
            return List.of();
        }
        List<String> before = new ArrayList<>(line.words().subList(1, line.wordIndex()));
        return Completion.operands(subcommand, before, () -> hastctl.get().resourceNames());
    }
}
