package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import hast.api.event.HastEvent;
import hast.engine.config.ConfigParser;
import hast.engine.daemon.DaemonOptions;
import hast.shell.ctl.Hastctl;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The manual pages as the build installs them (run/target/man): groff renders each without a
 * warning, man(1) shows it, and it covers every subcommand, option, keyword and event the code
 * takes (asked of the code itself), and the sections and values listed here.
 */
class ManPagesIT {
    /** What the code cannot tell: the values options take, sections, statuses and files. */
    private static final Map<String, List<String>> COVERED = Map.of(
            "hastctl.8", List.of("-t seconds", "-c config", "-e extentsize", "-k keepdirty", "-m mediasize",
                    "queues", "local", "send", "recv", "done", "idle", "CONSISTENCY", "synchronising", "inconsistent",
                    "EXIT STATUS", "77", "EXAMPLES", "FILES"),
            "hastd.8", List.of("-c config", "-P pidfile", "-u user", "PRIVILEGES", "SIGHUP", "SIGTERM", "HAST_NODE",
                    "HASTD_LOG", "EXIT STATUS", "77", "/run/hast/nbd.sock", "CONTROL SOCKET", "EXAMPLES", "FILES"),
            "hast.conf.5", List.of("handshake deadline", "write deadline", "on node", "resource name", "fullsync", "memsync", "async", "crc32", "sha256",
                    "hole", "lzf", "EXAMPLES", "FILES"));

    /**
     * What the code says each page must document: every keyword the configuration parser takes,
     * every option hastd and each hastctl subcommand take, and every event hooks may see.
     */
    private static List<String> fromTheCode(String page) {
        List<String> events = Arrays.stream(HastEvent.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class).map(f -> {
                    try {
                        return (String) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }).toList();
        List<String> covered = new ArrayList<>();
        switch (page) {
            case "hast.conf.5" -> {
                covered.addAll(ConfigParser.keywords());
                covered.addAll(events);
            }
            case "hastctl.8" -> {
                for (String subcommand : Hastctl.subcommands()) {
                    covered.add(subcommand);
                    covered.addAll(Hastctl.options(subcommand));
                }
                covered.addAll(events);
            }
            case "hastd.8" -> covered.addAll(DaemonOptions.options());
            default -> throw new AssertionError(page);
        }
        return covered;
    }

    @ParameterizedTest
    @CsvSource({"hastctl.8", "hastd.8", "hast.conf.5"})
    void rendersWithoutWarningsAndCoversWhatItDocuments(String page, @TempDir Path dir) throws Exception {
        Path file = Node.BUILD.resolve("man").resolve(page);
        assertTrue(Files.isRegularFile(file), file + " is installed by the build");
        Node shell = new Node("man", dir, file);
        Node.Result lint = shell.run(List.of("groff", "-mdoc", "-Tutf8", "-ww", "-z", file.toString()), Map.of());
        assertEquals(new Node.Result(0, "", ""), lint, "groff has no warning");
        Node.Result shown = shell.run(List.of("man", "-l", file.toString()), Map.of("MANWIDTH", "80", "MANPAGER", "cat",
                "PAGER", "cat")).expect(0);
        String text = shown.out().replaceAll(".\b", "");
        List<String> missing = new ArrayList<>();
        for (String covered : COVERED.get(page)) {
            if (!text.contains(covered)) {
                missing.add(covered);
            }
        }
        for (String covered : fromTheCode(page)) {
            // A word of the code, not part of a longer one (export-tls is not export-tls-verify).
            if (!Pattern.compile("(?<![\\w-])" + Pattern.quote(covered) + "(?![\\w-])").matcher(text).find()) {
                missing.add(covered);
            }
        }
        assertEquals(List.of(), missing, page + " documents everything the code takes");
    }
}
