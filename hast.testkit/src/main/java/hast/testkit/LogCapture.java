package hast.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The messages one logger (and those below it) writes while a test runs, at a level and above,
 * with their parameters filled in as an operator reads them. Register it as a field with
 * {@code @RegisterExtension}, and it is detached after each test; or close it yourself.
 * {@link #await} waits for a message with a deadline, so that a test never sleeps for a log line.
 */
public final class LogCapture extends Handler implements AutoCloseable, AfterEachCallback {
    private static final SimpleFormatter FORMAT = new SimpleFormatter();

    private final Logger logger;
    private final Level before;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    /** A message as an operator reads it, and the level it was logged at. */
    private record Line(Level level, String message) {
    }

    private LogCapture(Logger logger, Level atLeast) {
        this.logger = logger;
        this.before = logger.getLevel();
        setLevel(atLeast);
        // The logger may be set to drop what the test waits for (a quiet level from another test).
        if (!logger.isLoggable(atLeast)) {
            logger.setLevel(atLeast);
        }
        logger.addHandler(this);
    }

    /** Everything from {@code info} up under {@code loggerName} (e.g. {@code "hast"} for the whole daemon). */
    public static LogCapture of(String loggerName) {
        return of(loggerName, Level.INFO);
    }

    /** Messages at {@code atLeast} and above under {@code loggerName}. */
    public static LogCapture of(String loggerName, Level atLeast) {
        return new LogCapture(Logger.getLogger(loggerName), atLeast);
    }

    /** Messages at {@code atLeast} and above that {@code type}'s logger (named after the class) writes. */
    public static LogCapture of(Class<?> type, Level atLeast) {
        return of(type.getName(), atLeast);
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r)) {
            synchronized (this) {
                lines.add(new Line(r.getLevel(), FORMAT.formatMessage(r)));
                notifyAll();
            }
        }
    }

    /** Every message so far, oldest first. */
    public List<String> messages() {
        return lines.stream().map(Line::message).toList();
    }

    /** Every message so far logged at exactly {@code level}, oldest first. */
    public List<String> messages(Level level) {
        return lines.stream().filter(l -> l.level().equals(level)).map(Line::message).toList();
    }

    /** Every message so far that contains {@code text}. */
    public List<String> containing(String text) {
        return messages().stream().filter(m -> m.contains(text)).toList();
    }

    /** Whether a message so far contains {@code text}. */
    public boolean contains(String text) {
        return !containing(text).isEmpty();
    }

    /** The first message containing {@code text}, waiting up to {@code timeout}; null if none came. */
    public synchronized String await(String text, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> found = containing(text);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Every message so far, one a line: for an assertion's message. */
    @Override
    public String toString() {
        return String.join("\n", messages());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
