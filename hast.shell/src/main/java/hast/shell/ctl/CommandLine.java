package hast.shell.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.cli.Getopt;

/**
 * One hastctl invocation, checked as far as it can be without a configuration file: the
 * subcommand, its options and its operands. Options may stand before or after the subcommand,
 * grouped ({@code -dd}) or with attached values ({@code -e4M}); {@code --} ends them.
 *
 * @param subcommand one of {@link #SUBCOMMANDS}
 * @param options    the flags that take a value, with the last value given
 * @param debug      how often {@code -d} was given
 * @param help       whether help was asked for ({@code -h}, {@code --help} or the {@code help} subcommand)
 * @param json       {@code --json}: output for scripts
 * @param force      {@code -f} of {@code role}: promote even a copy that is not consistent
 * @param yes        {@code -y}: discard's confirmation, given in advance
 * @param operands   what follows the options
 */
record CommandLine(String subcommand, Map<Character, String> options, int debug, boolean help, boolean json,
        boolean force, boolean yes, List<String> operands) {
    static final List<String> SUBCOMMANDS = List.of("create", "role", "list", "status", "dump", "events", "await",
            "verify", "discard", "pause", "resume", "reload", "loglevel", "check", "help");
    /** What {@code await} can wait for: a state, or a role. */
    static final List<String> CONDITIONS = List.of("complete", "connected", "init", "primary", "secondary");
    /** The subcommands with a {@code --json} form. */
    private static final List<String> JSON = List.of("list", "status", "dump", "events");
    /** Flags with a value: every subcommand takes -c, create also -e, -k and -m, await -t. */
    private static final String ALL_VALUED = "cekmt";

    static CommandLine parse(List<String> args) throws HastException {
        var seen = new Object() {
            String subcommand;
            final Map<Character, String> options = new HashMap<>();
            final List<String> operands = new ArrayList<>();
            int debug;
            boolean help;
            boolean json;
            boolean force;
            boolean yes;
        };
        try {
            Getopt.read(args, flag -> valued(seen.subcommand).indexOf(flag) >= 0, token -> {
                if (token instanceof Getopt.Operand o) {
                    if (seen.subcommand != null) {
                        seen.operands.add(o.text());
                    } else if (SUBCOMMANDS.contains(o.text())) {
                        seen.subcommand = o.text();
                    } else {
                        throw usage("unknown subcommand '" + o.text() + "'");
                    }
                } else if (token instanceof Getopt.LongOption o) {
                    switch (o.name()) {
                        case "help" -> seen.help = true;
                        case "json" -> seen.json = true;
                        default -> throw usage("unknown option --" + o.name());
                    }
                } else {
                    Getopt.Flag f = (Getopt.Flag) token;
                    String subcommand = seen.subcommand;
                    if (f.value() != null) {
                        seen.options.put(f.name(), f.value());
                    } else if (f.name() == 'd') {
                        seen.debug++;
                    } else if (f.name() == 'f' && (subcommand == null || subcommand.equals("role"))) {
                        seen.force = true;
                    } else if (f.name() == 'h') {
                        seen.help = true;
                    } else if (f.name() == 'y' && (subcommand == null || subcommand.equals("discard"))) {
                        seen.yes = true;
                    } else {
                        throw usage("unknown option -" + f.name() + (subcommand == null ? "" : " for '" + subcommand + "'"));
                    }
                }
            });
        } catch (Getopt.MissingValue e) {
            throw usage("option -" + e.flag() + " needs a value");
        }
        String subcommand = seen.subcommand;
        boolean help = seen.help;
        if (subcommand == null) {
            if (!help) {
                throw usage("no subcommand given");
            }
            subcommand = "help";
        }
        CommandLine line = new CommandLine(subcommand, Map.copyOf(seen.options), seen.debug,
                help || subcommand.equals("help"), seen.json, seen.force, seen.yes, List.copyOf(seen.operands));
        line.check();
        return line;
    }

    /** The options {@code subcommand} accepts, as they are typed: what the console offers on Tab. */
    static List<String> options(String subcommand) {
        List<String> options = new ArrayList<>(List.of("-c", "-d", "-h", "--help"));
        if (JSON.contains(subcommand)) {
            options.add("--json");
        }
        if (subcommand.equals("create")) {
            options.addAll(List.of("-e", "-k", "-m"));
        }
        if (subcommand.equals("await")) {
            options.add("-t");
        }
        if (subcommand.equals("role")) {
            options.add("-f");
        }
        if (subcommand.equals("discard")) {
            options.add("-y");
        }
        return List.copyOf(options);
    }

    /** Whether {@code word} is an option of {@code subcommand} that takes the next word as its value. */
    static boolean takesValue(String subcommand, String word) {
        return word.length() >= 2 && word.charAt(0) == '-' && word.charAt(1) != '-'
                && valued(subcommand).indexOf(word.charAt(word.length() - 1)) >= 0
                && word.chars().skip(1).allMatch(c -> c == 'd' || (c == 'f' && "role".equals(subcommand))
                        || valued(subcommand).indexOf(c) >= 0);
    }

    /** Options given before the subcommand are only known to be valid once it is. */
    private static String valued(String subcommand) {
        if (subcommand == null) {
            return ALL_VALUED;
        }
        return switch (subcommand) {
            case "create" -> "cekm";
            case "await" -> "ct";
            default -> "c";
        };
    }

    /** The operand rules of each subcommand, as the reference enforces them before reading any file. */
    private void check() throws HastException {
        if (options.keySet().stream().anyMatch(f -> valued(subcommand).indexOf(f) < 0)) {
            throw usage(options.containsKey('t') ? "option -t belongs to 'await'"
                    : "options -e, -k and -m belong to 'create'");
        }
        if (force && !subcommand.equals("role")) {
            throw usage("option -f belongs to 'role'");
        }
        if (yes && !subcommand.equals("discard")) {
            throw usage("option -y belongs to 'discard'");
        }
        if (json && !JSON.contains(subcommand)) {
            throw usage("option --json belongs to 'list', 'status', 'dump' and 'events'");
        }
        if (help) {
            String topic = helpTopic();
            if (!SUBCOMMANDS.contains(topic) && !topic.isEmpty()) {
                throw usage("no help on '" + topic + "': unknown subcommand");
            }
            return;
        }
        switch (subcommand) {
            case "create" -> {
                if (operands.isEmpty()) {
                    throw usage("create needs at least one resource name");
                }
            }
            case "role" -> {
                if (operands.size() < 2) {
                    throw usage("role needs a role (init, primary or secondary) and 'all' or resource names");
                }
                try {
                    Role.parse(operands.get(0));
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
            }
            case "verify" -> {
                if (operands.isEmpty()) {
                    throw usage("verify needs at least one resource name");
                }
            }
            case "discard" -> {
                if (operands.isEmpty() || operands.contains("all")) {
                    throw usage("discard needs the names of the resources whose writes are to be given up"
                            + " ('all' is not taken)");
                }
            }
            case "pause", "resume" -> {
                if (operands.isEmpty()) {
                    throw usage(subcommand + " needs 'all' or resource names");
                }
            }
            case "await" -> {
                if (operands.isEmpty() || !CONDITIONS.contains(operands.get(0))) {
                    throw usage("await needs a condition (" + String.join(", ", CONDITIONS)
                            + ") and then 'all' or resource names");
                }
                seconds();
            }
            case "reload" -> {
                if (!operands.isEmpty()) {
                    throw usage("reload takes no operands");
                }
            }
            case "loglevel" -> {
                if (operands.size() > 1 || operands.size() == 1 && !LogLevel.isName(operands.get(0))) {
                    throw usage("loglevel takes at most one level: " + String.join(", ", LogLevel.NAMES));
                }
            }
            default -> {
                // list, status, dump and events take any names, or none for all; check any node names.
            }
        }
    }

    /** The subcommand help is asked about, or "" for the general help. */
    String helpTopic() {
        if (subcommand.equals("help")) {
            return operands.isEmpty() ? "" : operands.get(0);
        }
        return subcommand;
    }

    Optional<String> option(char flag) {
        return Optional.ofNullable(options.get(flag));
    }

    /**
     * The {@code -t} of {@code await}: how long to wait, or -1 for as long as it takes.
     *
     * @throws HastException a value that is not a whole number of seconds
     */
    long seconds() throws HastException {
        Optional<String> t = option('t');
        if (t.isEmpty()) {
            return -1;
        }
        try {
            long s = Long.parseLong(t.get());
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("-t needs a number of seconds (0 or more), not '" + t.get() + "'");
    }

    /** The role operand of {@code role}; only valid after {@link #parse} accepted the line. */
    Role role() {
        return Role.parse(operands.get(0));
    }

    static HastException usage(String problem) {
        return new HastException(Sysexits.EX_USAGE, "hastctl: " + problem + "\n" + Help.USAGE);
    }

    /** The configuration file named by {@code -c}, else {@code fallback}. */
    Path config(Path fallback) {
        return option('c').map(Path::of).orElse(fallback);
    }
}
