package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The manual pages as the build installs them (run/target/man): groff renders each without a
 * warning, man(1) shows it, and it covers every subcommand, option or keyword it documents.
 */
class ManPagesIT {
    private static final Map<String, List<String>> COVERED = Map.of(
            "hastctl.8", List.of("create", "role", "list", "status", "dump", "events", "await", "-t seconds", "verify", "reload", "help",
                    "-c config", "-d", "-f", "-e extentsize", "-k keepdirty", "-m mediasize", "--json", "queues", "local",
                    "CONSISTENCY", "synchronising", "inconsistent",
                    "send", "recv", "done", "idle", "EXIT STATUS", "77", "EXAMPLES", "FILES"),
            "hastd.8", List.of("-c config", "-d", "-F", "-h", "-P pidfile", "-u user", "PRIVILEGES", "SIGHUP",
                    "SIGTERM", "HAST_NODE", "HASTD_LOG", "EXIT STATUS", "77", "/run/hast/nbd.sock", "CONTROL SOCKET",
                    "EXAMPLES", "FILES"),
            "hast.conf.5", List.of("control", "pidfile", "listen", "replication", "checksum", "compression",
                    "timeout", "exec", "metaflush", "export", "export-tls", "export-tls-verify", "export-insecure",
                    "user", "name", "local", "remote", "source", "on node",
                    "resource name", "shared-secret", "auth-alg", "auth-failed", "fullsync", "memsync", "async",
                    "crc32", "sha256", "hole", "lzf", "EXAMPLES",
                    "FILES"));

    @ParameterizedTest
    @CsvSource({"hastctl.8", "hastd.8", "hast.conf.5"})
    void rendersWithoutWarningsAndCoversWhatItDocuments(String page) throws Exception {
        Path file = Node.BUILD.resolve("man").resolve(page);
        assertTrue(Files.isRegularFile(file), file + " is installed by the build");
        Node shell = new Node("man", Files.createTempDirectory(Node.BUILD, "man"), file);
        Node.Result lint = shell.run(List.of("groff", "-mdoc", "-Tutf8", "-ww", "-z", file.toString()), Map.of());
        assertEquals(new Node.Result(0, "", ""), lint, "groff has no warning");
        Node.Result shown = shell.run(List.of("man", "-l", file.toString()), Map.of("MANWIDTH", "80", "MANPAGER", "cat",
                "PAGER", "cat")).expect(0);
        String text = shown.out().replaceAll(".\b", "");
        for (String covered : COVERED.get(page)) {
            assertTrue(text.contains(covered), page + " mentions " + covered);
        }
    }
}
