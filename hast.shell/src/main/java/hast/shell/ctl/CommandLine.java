package hast.shell.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import hast.api.HastException;
import hast.api.Sysexits;

/**
 * One hastctl invocation: the subcommand, its options and its operands. Options may stand before
 * or after the subcommand, grouped ({@code -dd}) or with attached values ({@code -e4M}); {@code --}
 * ends them.
 *
 * @param options the flag letters seen, with the value of those that take one (repeats of
 *                {@code -d} counted in {@link #debug})
 */
record CommandLine(String subcommand, Map<Character, String> options, int debug, boolean help, List<String> operands) {
    static final List<String> SUBCOMMANDS = List.of("create", "role", "list", "status", "dump", "reload", "help");

    /** Flags with a value, per subcommand (all take -c; create also -e, -k, -m). */
    private static String valued(String subcommand) {
        return "create".equals(subcommand) ? "cekm" : "c";
    }

    static CommandLine parse(List<String> args) throws HastException {
        String subcommand = null;
        Map<Character, String> options = new java.util.HashMap<>();
        List<String> operands = new ArrayList<>();
        int debug = 0;
        boolean help = false;
        boolean optionsEnded = false;
        List<String> pending = new ArrayList<>(args);
        for (int i = 0; i < pending.size(); i++) {
            String arg = pending.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                if (subcommand == null) {
                    if (!SUBCOMMANDS.contains(arg)) {
                        throw usage("unknown subcommand '" + arg + "'");
                    }
                    subcommand = arg;
                } else {
                    operands.add(arg);
                }
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.startsWith("--")) {
                throw usage("unknown option " + arg);
            }
            for (int j = 1; j < arg.length(); j++) {
                char flag = arg.charAt(j);
                if (flag == 'd') {
                    debug++;
                } else if (flag == 'h') {
                    help = true;
                } else if (valued(subcommand).indexOf(flag) >= 0 || (subcommand == null && "cekm".indexOf(flag) >= 0)) {
                    String value;
                    if (j + 1 < arg.length()) {
                        value = arg.substring(j + 1);
                    } else if (i + 1 < pending.size()) {
                        value = pending.get(++i);
                    } else {
                        throw usage("option -" + flag + " needs a value");
                    }
                    options.put(flag, value);
                    break;
                } else {
                    throw usage("unknown option -" + flag + (subcommand == null ? "" : " for '" + subcommand + "'"));
                }
            }
        }
        if (subcommand == null) {
            if (help) {
                return new CommandLine("help", options, debug, true, operands);
            }
            throw usage("no subcommand given");
        }
        if (!subcommand.equals("create") && options.keySet().stream().anyMatch(f -> f != 'c')) {
            throw usage("options -e, -k and -m belong to 'create'");
        }
        return new CommandLine(subcommand, options, debug, help, operands);
    }

    static HastException usage(String problem) {
        return new HastException(Sysexits.EX_USAGE, "hastctl: " + problem + "\n" + Help.USAGE);
    }
}
