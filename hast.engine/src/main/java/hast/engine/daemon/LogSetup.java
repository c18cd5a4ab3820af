package hast.engine.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * starts the daemon decides where standard error goes (a terminal, a file, the journal). When it
 * is the journal, each line carries its syslog priority instead ({@code <6>message}): the journal
 * stamps lines itself and files them by that prefix. While someone types at the daemon's console,
 * the lines go to the console instead, which prints them above the line being typed: on the same
 * terminal, standard error would write through it.
 *
 * <p>The level is the {@code hast} logger's alone (the handler passes everything), so that
 * {@code hastctl loglevel} or any JMX console can change it while the daemon runs.
 */
final class LogSetup {
    private static final Logger HAST = Logger.getLogger("hast");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS");

    private LogSetup() {
    }

    /** Installs the handler; {@code debug} 0 logs INFO and up, 1 adds FINE, 2 and more everything. */
    static Handler install(int debug, Supplier<LogConsole> console) {
        return install(debug, console, isStandardError(System.getenv("JOURNAL_STREAM")));
    }

    /** As {@link #install(int, Supplier)}, in the journal's form when {@code journal}. */
    static Handler install(int debug, Supplier<LogConsole> console, boolean journal) {
        Handler handler = new ConsoleOrStandardError(console);
        handler.setLevel(Level.ALL);
        handler.setFormatter(journal ? new JournalFormatter() : new LineFormatter(ProcessHandle.current().pid()));
        HAST.setUseParentHandlers(false);
        HAST.setLevel(debug <= 0 ? Level.INFO : debug == 1 ? Level.FINE : Level.ALL);
        HAST.addHandler(handler);
        return handler;
    }

    /**
     * Whether standard error is the stream named by {@code journalStream}, the value systemd puts
     * in {@code JOURNAL_STREAM} ({@code device:inode}) for a service whose output goes to the
     * journal. A child whose standard error was redirected elsewhere inherits the variable, hence
     * the comparison.
     */
    static boolean isStandardError(String journalStream) {
        if (journalStream == null || journalStream.isEmpty()) {
            return false;
        }
        Path stderr = Path.of("/proc/self/fd/2");
        try {
            return journalStream.equals(Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException notLinux) {
            return false;
        }
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

    /** The message of a record, and its stack trace when it has one. */
    private static String text(Formatter formatter, LogRecord r) {
        String message = formatter.formatMessage(r);
        if (r.getThrown() == null) {
            return message;
        }
        StringWriter trace = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(trace));
        return message + "\n" + trace.toString().stripTrailing();
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
            return line.append(text(this, r)).append('\n').toString();
        }
    }

    /**
     * Lines for the journal: the syslog priority in angle brackets, then the message. Every line of
     * a record carries it (a stack trace's too): the journal reads each line as an entry of its own.
     */
    static final class JournalFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            String prefix = "<" + priority(r.getLevel()) + ">";
            StringBuilder lines = new StringBuilder(128);
            for (String line : text(this, r).split("\n", -1)) {
                lines.append(prefix).append(line).append('\n');
            }
            return lines.toString();
        }

        /** err, warning, info or debug, as syslog(3) numbers them. */
        static int priority(Level level) {
            int l = level.intValue();
            return l >= Level.SEVERE.intValue() ? 3 : l >= Level.WARNING.intValue() ? 4 : l >= Level.INFO.intValue() ? 6 : 7;
        }
    }
}
