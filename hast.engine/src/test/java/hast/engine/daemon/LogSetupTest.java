package hast.engine.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void inTheJournalEachLineCarriesItsPriorityAndNoTimestamp() {
        List<String> shown = new CopyOnWriteArrayList<>();
        Handler handler = LogSetup.install(1, () -> shown::add, true);
        try {
            LOG.severe("[r] Unable to open local provider.");
            LOG.warning("[r] Split-brain detected.");
            LOG.info("[r] Role changed to primary.");
            LOG.fine("[r] event connect");
            LOG.finest("below the level of -d");
            LOG.log(java.util.logging.Level.WARNING, "[r] Connection lost", new java.io.IOException("reset"));
        } finally {
            LogSetup.uninstall(handler);
        }
        assertEquals(List.of("<3>[r] Unable to open local provider.\n", "<4>[r] Split-brain detected.\n",
                "<6>[r] Role changed to primary.\n", "<7>[r] event connect\n"), shown.subList(0, 4));
        assertEquals(5, shown.size(), shown.toString());
        List<String> traced = shown.get(4).lines().toList();
        assertEquals("<4>[r] Connection lost", traced.get(0));
        assertEquals("<4>java.io.IOException: reset", traced.get(1));
        assertTrue(traced.size() > 2 && traced.stream().allMatch(l -> l.startsWith("<4>")), traced.toString());
    }

    @Test
    void theLevelIsTheLoggersSoThatItCanBeChangedWhileRunning() {
        List<String> shown = new CopyOnWriteArrayList<>();
        Handler handler = LogSetup.install(0, () -> shown::add, true);
        try {
            LOG.fine("hidden");
            Logger.getLogger("hast").setLevel(java.util.logging.Level.FINE);
            LOG.fine("shown");
        } finally {
            LogSetup.uninstall(handler);
        }
        assertEquals(List.of("<7>shown\n"), shown);
    }

    @Test
    void theJournalIsRecognisedByTheDeviceAndInodeOfStandardError() throws Exception {
        java.nio.file.Path stderr = java.nio.file.Path.of("/proc/self/fd/2");
        String self = java.nio.file.Files.getAttribute(stderr, "unix:dev") + ":"
                + java.nio.file.Files.getAttribute(stderr, "unix:ino");
        assertTrue(LogSetup.isStandardError(self));
        assertFalse(LogSetup.isStandardError("1:2"));
        assertFalse(LogSetup.isStandardError(""));
        assertFalse(LogSetup.isStandardError(null));
    }
}
