package hast.engine.daemon;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import hast.api.control.LogConsole;

/**
 * Sends the engine's log (java.util.logging, logger names under {@code hast}) to standard error,
 * one line per record in the manner of syslog: {@code <time> hastd[<pid>]: <message>}. Whoever
 * starts the daemon decides where standard error goes (a terminal, a file, the journal). While
 * someone types at the daemon's console, the lines go to the console instead, which prints them
 * above the line being typed: on the same terminal, standard error would write through it.
 */
final class LogSetup {
    private static final Logger HAST = Logger.getLogger("hast");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS");

    private LogSetup() {
    }

    /** Installs the handler; {@code debug} 0 logs INFO and up, 1 adds FINE, 2 and more everything. */
    static Handler install(int debug, Supplier<LogConsole> console) {
        Level level = debug <= 0 ? Level.INFO : debug == 1 ? Level.FINE : Level.ALL;
        Handler handler = new ConsoleOrStandardError(console);
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

    /** Standard error, or the console while there is one. */
    private static final class ConsoleOrStandardError extends Handler {
        private final ConsoleHandler stderr = new ConsoleHandler();
        private final Supplier<LogConsole> console;

        ConsoleOrStandardError(Supplier<LogConsole> console) {
            this.console = console;
            stderr.setLevel(Level.ALL);
        }

        @Override
        public void setFormatter(Formatter formatter) {
            super.setFormatter(formatter);
            stderr.setFormatter(formatter);
        }

        @Override
        public void publish(LogRecord r) {
            if (!isLoggable(r)) {
                return;
            }
            LogConsole c = console.get();
            if (c == null) {
                stderr.publish(r);
                return;
            }
            try {
                c.print(getFormatter().format(r));
            } catch (RuntimeException consoleGone) {
                stderr.publish(r);  // a console closing under us must not lose the line
            }
        }

        @Override
        public void flush() {
            stderr.flush();
        }

        @Override
        public void close() {
            stderr.close();
        }
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
