package hast.engine.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Logger;

import hast.api.control.LogConsole;

import org.junit.jupiter.api.Test;

/** Log lines reach the console while one is there, whole and formatted, and standard error otherwise. */
class LogSetupTest {
    private static final Logger LOG = Logger.getLogger("hast.engine.daemon.LogSetupTest");

    @Test
    void linesGoToTheConsoleOnlyWhileThereIsOne() {
        List<String> shown = new CopyOnWriteArrayList<>();
        AtomicReference<LogConsole> console = new AtomicReference<>();
        Handler handler = LogSetup.install(0, console::get);
        try {
            LOG.info("before the console");
            console.set(shown::add);
            LOG.info("[test] Role changed to primary.");
            LOG.fine("below the level");
            console.set(null);
            LOG.info("after the console");
        } finally {
            LogSetup.uninstall(handler);
        }
        assertEquals(1, shown.size(), shown.toString());
        String line = shown.get(0);
        assertTrue(line.matches("\\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} hastd\\[\\d+\\]: \\[test\\] Role changed to primary\\.\n"),
                line);
    }

    @Test
    void aConsoleThatFailsDoesNotLoseTheLineOrThrowAtTheLogger() {
        Handler handler = LogSetup.install(0, () -> line -> {
            throw new IllegalStateException("terminal closed");
        });
        try {
            LOG.warning("still logged");  // goes to standard error instead
        } finally {
            LogSetup.uninstall(handler);
        }
    }
}
