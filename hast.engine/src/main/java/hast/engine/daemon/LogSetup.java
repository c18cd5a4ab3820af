package hast.engine.daemon;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the engine's log (java.util.logging, logger names under {@code hast}) to standard error,
 * one line per record in the manner of syslog: {@code <time> hastd[<pid>]: <message>}. Whoever
 * starts the daemon decides where standard error goes (a terminal, a file, the journal).
 */
final class LogSetup {
    private static final Logger HAST = Logger.getLogger("hast");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS");

    private LogSetup() {
    }

    /** Installs the handler; {@code debug} 0 logs INFO and up, 1 adds FINE, 2 and more everything. */
    static Handler install(int debug) {
        Level level = debug <= 0 ? Level.INFO : debug == 1 ? Level.FINE : Level.ALL;
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new LineFormatter(ProcessHandle.current().pid()));
        HAST.setUseParentHandlers(false);
        HAST.setLevel(level);
        HAST.addHandler(handler);
        return handler;
    }

    static void uninstall(Handler handler) {
        handler.flush();
        HAST.removeHandler(handler);
        HAST.setUseParentHandlers(true);
    }

    private static final class LineFormatter extends Formatter {
        private final long pid;

        LineFormatter(long pid) {
            this.pid = pid;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(128)
                    .append(TIME.format(LocalDateTime.now())).append(" hastd[").append(pid).append("]: ");
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                line.append(r.getLevel() == Level.WARNING ? "[WARNING] " : "[ERROR] ");
            }
            line.append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }

}
