package hast.shell.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What may come next on a hastctl command line, by the same rules {@link CommandLine} checks:
 * the console offers it on Tab. Options are offered by the console from {@link #options}.
 */
public final class Completion {
    private static final List<String> ROLES = List.of("init", "primary", "secondary");

    private Completion() {
    }

    /** The subcommands, in the order help lists them. */
    public static List<String> subcommands() {
        return CommandLine.SUBCOMMANDS;
    }

    /** The options of {@code subcommand} as they are typed ({@code -c}, {@code --json}...). */
    public static List<String> options(String subcommand) {
        return CommandLine.options(subcommand);
    }

    /** The first line of {@code hastctl <subcommand> -h}, without "usage: hastctl ". */
    public static String synopsis(String subcommand) {
        if (subcommand.equals("help")) {
            return "help [subcommand]";  // its help is the general one, which starts with create's usage
        }
        String first = Help.of(subcommand).lines().findFirst().orElse("");
        return first.replaceFirst("^usage: hastctl ", "");
    }

    /**
     * The operands that may stand where the next word goes.
     *
     * @param subcommand a subcommand
     * @param before     the words typed after the subcommand, up to the one being completed
     * @param names      the resource names, asked only when they may come next
     * @return nothing where an option's value goes (a file, a size): those are the user's to type
     */
    public static List<String> operands(String subcommand, List<String> before, Supplier<List<String>> names) {
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < before.size(); i++) {
            String word = before.get(i);
            if (optionsEnded || !word.startsWith("-") || word.equals("-")) {
                operands.add(word);
            } else if (word.equals("--")) {
                optionsEnded = true;
            } else if (CommandLine.takesValue(subcommand, word)) {
                if (i + 1 == before.size()) {
                    return List.of();
                }
                i++;
            }
        }
        List<String> next = new ArrayList<>();
        switch (subcommand) {
            case "help" -> {
                if (operands.isEmpty()) {
                    next.addAll(CommandLine.SUBCOMMANDS);
                }
            }
            case "reload", "check" -> {
                // no operands, or node names only the user knows
            }
            case "loglevel" -> {
                if (operands.isEmpty()) {
                    next.addAll(LogLevel.NAMES);
                }
            }
            case "role" -> {
                if (operands.isEmpty()) {
                    next.addAll(ROLES);
                } else {
                    if (operands.size() == 1) {
                        next.add("all");
                    }
                    next.addAll(unused(names.get(), operands));
                }
            }
            case "create", "verify", "discard" -> next.addAll(unused(names.get(), operands));
            case "await" -> {
                if (operands.isEmpty()) {
                    next.addAll(CommandLine.CONDITIONS);
                } else {
                    if (operands.size() == 1) {
                        next.add("all");
                    }
                    if (!operands.contains("all")) {
                        next.addAll(unused(names.get(), operands));
                    }
                }
            }
            default -> {
                if (operands.isEmpty()) {
                    next.add("all");
                }
                if (!operands.contains("all")) {
                    next.addAll(unused(names.get(), operands));
                }
            }
        }
        return next;
    }

    private static List<String> unused(List<String> names, List<String> operands) {
        return names.stream().filter(n -> !operands.contains(n)).toList();
    }
}
