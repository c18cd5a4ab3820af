package hast.geom;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages logged under {@code hast} while a test runs, to wait for one with a deadline. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("hast");
    private final Level before = logger.getLevel();
    private final List<String> messages = new ArrayList<>();

    LogCapture() {
        logger.setLevel(Level.INFO);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        messages.add(r.getMessage());
        notifyAll();
    }

    /** Every message so far that contains {@code text}. */
    synchronized List<String> containing(String text) {
        return messages.stream().filter(m -> m != null && m.contains(text)).toList();
    }

    /** The first message containing {@code text}, waiting up to {@code timeout}; null if none came. */
    synchronized String await(String text, Duration timeout) throws InterruptedException {
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

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
