package hast.engine.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import hast.api.HastException;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;

class DaemonOptionsTest {

    @Test
    void theOptionsListedForTheManualAreExactlyThoseTheParserTakes() {
        List<String> taken = new ArrayList<>();
        for (char c = '0'; c <= 'z'; c++) {
            if (Character.isLetterOrDigit(c) && accepts("-" + c)) {
                taken.add("-" + c);
            }
        }
        for (String word : List.of("--help", "--version", "--debug", "--config")) {
            if (accepts(word)) {
                taken.add(word);
            }
        }
        assertEquals(new TreeSet<>(DaemonOptions.options()), new TreeSet<>(taken));
    }

    private static boolean accepts(String option) {
        try {
            DaemonOptions.parse(List.of(option, "value"));
            return true;
        } catch (HastException e) {
            // A value where none is taken is an unexpected argument, not an unknown option.
            return !e.getMessage().contains("unknown option") && !e.getMessage().contains("'" + option + "'");
        }
    }

    @Test
    void defaultsMatchTheReference() throws Exception {
        DaemonOptions o = DaemonOptions.parse(List.of());
        assertEquals(Path.of("/etc/hast.conf"), o.config());
        assertEquals(0, o.debug());
        assertFalse(o.foreground());
        assertNull(o.pidfile());
        assertFalse(o.help());
        assertFalse(o.check());
        assertTrue(DaemonOptions.parse(List.of("-t", "-c", "/x.conf")).check());
        assertNull(o.user(), "no -u: the configuration or the default decides");
    }

    @Test
    void userFlagTakesANameAttachedOrNot() throws Exception {
        assertEquals("hast", DaemonOptions.parse(List.of("-u", "hast")).user());
        assertEquals("storage", DaemonOptions.parse(List.of("-Fustorage")).user());
        HastException e = assertThrows(HastException.class, () -> DaemonOptions.parse(List.of("-u")));
        assertTrue(e.getMessage().startsWith("hastd: option -u needs a user name"), e.getMessage());
    }

    @Test
    void groupedFlagsAttachedValuesAndRepeatedDebug() throws Exception {
        DaemonOptions o = DaemonOptions.parse(List.of("-dFd", "-c/etc/x.conf", "-P", "/run/h.pid"));
        assertEquals(2, o.debug());
        assertTrue(o.foreground());
        assertEquals(Path.of("/etc/x.conf"), o.config());
        assertEquals(Path.of("/run/h.pid"), o.pidfile());
    }

    @Test
    void relativeConfigBecomesAbsoluteSoReloadFindsIt() throws Exception {
        DaemonOptions o = DaemonOptions.parse(List.of("-c", "conf/hast.conf"));
        assertTrue(o.config().isAbsolute());
        assertTrue(o.config().endsWith("conf/hast.conf"));
    }

    @Test
    void helpInBothSpellings() throws Exception {
        assertTrue(DaemonOptions.parse(List.of("-h")).help());
        assertTrue(DaemonOptions.parse(List.of("--help")).help());
        assertTrue(DaemonOptions.HELP.startsWith(DaemonOptions.USAGE));
    }

    @Test
    void badUsageNamesTheArgumentAndExits64() {
        for (List<String> bad : List.of(List.of("-x"), List.of("-c"), List.of("stray"), List.of("--verbose"))) {
            HastException e = assertThrows(HastException.class, () -> DaemonOptions.parse(bad));
            assertEquals(Sysexits.EX_USAGE, e.status(), bad.toString());
            assertTrue(e.getMessage().contains(DaemonOptions.USAGE), e.getMessage());
        }
        HastException e = assertThrows(HastException.class, () -> DaemonOptions.parse(List.of("-dq")));
        assertTrue(e.getMessage().contains("unknown option -q"), e.getMessage());
    }
}
