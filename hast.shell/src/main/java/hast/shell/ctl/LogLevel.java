package hast.shell.ctl;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.Sysexits;

/**
 * {@code hastctl loglevel [level]}: shows or sets the level of hastd's log while it runs. The log
 * is java.util.logging's, under the logger {@code hast}; this command runs inside the daemon, so
 * it sets that logger's level as hastd's {@code -d} does at start (and as a JMX console could).
 */
final class LogLevel {
    /** The names an operator types, from the least to the most verbose. */
    static final List<String> NAMES = List.of("error", "warning", "info", "debug", "trace");
    private static final Map<String, Level> LEVELS = Map.of("error", Level.SEVERE, "warning", Level.WARNING,
            "info", Level.INFO, "debug", Level.FINE, "trace", Level.ALL);
    private static final Logger HAST = Logger.getLogger("hast");

    private LogLevel() {
    }

    /** Whether {@code name} is a level this command takes. */
    static boolean isName(String name) {
        return LEVELS.containsKey(name);
    }

    /** Sets the level named by the only operand (checked by {@link CommandLine}), if any; prints the level in force. */
    static int run(CommandLine cmd, PrintStream out) {
        if (!cmd.operands().isEmpty()) {
            HAST.setLevel(LEVELS.get(cmd.operands().get(0)));
            Logger.getLogger(LogLevel.class.getName()).info("Log level set to " + cmd.operands().get(0) + ".");
        }
        out.println(name(HAST.getLevel()));
        return Sysexits.EX_OK;
    }

    /** The operator's name of {@code level}: the least verbose name that shows everything it shows. */
    private static String name(Level level) {
        int l = level == null ? Level.INFO.intValue() : level.intValue();
        for (String name : NAMES) {
            if (LEVELS.get(name).intValue() <= l) {
                return name;
            }
        }
        return "trace";
    }
}
