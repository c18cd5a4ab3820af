package hast.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gogo console of {@code run/hastd -F} in a real terminal (a tmux pane), used as a person
 * would: typing commands and reading the screen, Tab, Ctrl-C and Ctrl-D, while the command-line
 * client works on the same daemon from outside.
 */
class ConsoleIT {
    /** The prompt alone on the last line (the default profile puts the time at the right). */
    private static final Pattern BARE_PROMPT = Pattern.compile("g!\\s*(\\d\\d:\\d\\d:\\d\\d)?");
    private static final String EXITED = "[hastd exited with status ";

    @TempDir
    Path dir;
    private Path conf;
    private Node node;
    private TmuxPane pane;

    @BeforeEach
    void startInATerminal() throws Exception {
        Node.disk(dir.resolve("disk0.img"), 16 << 20);
        conf = dir.resolve("hast.conf");
        Files.writeString(conf, String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(),
                "export uds://" + dir.resolve("nbd.sock"),
                "resource test {",
                "    on solo {",
                "        local " + dir.resolve("disk0.img"),
                "        remote none",
                "    }",
                "}", ""));
        node = new Node("solo", dir, conf);
        node.hastctl("create", "-c", conf.toString(), "test").expect(0);
        String hastd = Node.RUN.resolve("hastd") + " -F -c " + conf + " -u root -P " + dir.resolve("hastd.pid");
        // HOME: the console's history goes there, not into the home of whoever runs the tests.
        // Typed at an interactive shell with job control, as a person starts it: the daemon is a
        // job in its own process group, which is what Ctrl-C and Ctrl-Z reach.
        pane = TmuxPane.start(dir, Map.of("HAST_NODE", "solo", "TMPDIR", dir.toString(), "HOME", dir.toString()),
                "bash --norc --noprofile -i");
        pane.await("the shell's prompt", s -> s.endsWith("$") || s.endsWith("#"));
        // Split, so that the echoed command line does not read as its output.
        pane.type(hastd + "; echo \"[hastd exited with\" \"status $?]\"");
        pane.press("Enter");
        awaitPrompt("the first prompt");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            jvm().ifPresent(ProcessHandle::destroyForcibly);
        } finally {
            pane.close();
        }
    }

    @Test
    void commandsRunAtThePromptAndARoleSetThereIsSeenByTheClient() throws Exception {
        enter("hastctl:status");
        assertTrue(Pattern.compile("(?m)^test\\s+-\\s+init\\s").matcher(awaitPrompt("status")).find());

        pane.press("Up");
        pane.await("the last line back from the history", s -> lastLineOf(s).startsWith("g! hastctl:status"));
        pane.press("C-u");
        assertTrue(Files.readString(dir.resolve(".gogo.history")).contains("hastctl:status"), "history file");

        enter("hastctl:role primary test");
        awaitPrompt("role");
        assertTrue(node.hastctl("status", "-c", conf.toString()).expect(Node.DEGRADED).out().contains("primary"));

        enter("hastctl:list test | grep dirty");
        String screen = awaitPrompt("list piped into grep");
        String output = screen.substring(screen.lastIndexOf("| grep dirty"));
        assertTrue(output.contains("  dirty: 0 (0B)"), output);
        assertFalse(output.contains("replication:"), "grep let everything through:\n" + output);

        enter("stop 0");
        pane.await("hastd to exit", s -> s.contains(EXITED));
        assertTrue(pane.screen().contains(EXITED + "0]"), pane.screen());
    }

    @Test
    void tabCompletesSubcommandsOperandsResourceNamesAndOptions() throws Exception {
        pane.type("hastctl:ro");
        pane.press("Tab");
        pane.await("the subcommand completed", s -> lastLineOf(s).contains("g! hastctl:role "));
        pane.type("pri");
        pane.press("Tab");
        pane.await("the role completed", s -> lastLineOf(s).contains("g! hastctl:role primary "));
        pane.type("te");
        pane.press("Tab");
        pane.await("the resource name completed", s -> lastLineOf(s).contains("g! hastctl:role primary test"));
        pane.press("Enter");
        awaitPrompt("the completed role command");
        assertTrue(node.hastctl("status", "-c", conf.toString()).expect(Node.DEGRADED).out().contains("primary"));

        pane.type("hastctl:status --j");
        pane.press("Tab");
        pane.await("the option completed", s -> lastLineOf(s).contains("g! hastctl:status --json"));
    }

    @Test
    void helpIsTheClientsAndResultsAreObjectsInVariables() throws Exception {
        enter("help hastctl:role");
        String screen = awaitPrompt("help");
        for (String line : node.hastctl("role", "-h").expect(0).out().split("\n")) {
            assertTrue(screen.contains(line), "help hastctl:role lacks '" + line + "':\n" + screen);
        }
        enter("r = (hastctl:status)");
        awaitPrompt("the assignment");
        enter("($r resource test) localpath");
        screen = awaitPrompt("a resource's field");
        String shown = screen.substring(screen.lastIndexOf(") localpath"));
        assertTrue(shown.contains(dir.resolve("disk0.img").toString()), shown);
        enter("($r resource test) role");
        screen = awaitPrompt("a resource's role");
        assertTrue(Pattern.compile("(?m)^init$").matcher(screen.substring(screen.lastIndexOf(") role"))).find(),
                "a role shows as hastctl writes it:\n" + screen);
    }

    @Test
    void ctrlCEndsEventsAndTheDaemonRunsOn() throws Exception {
        enter("hastctl:events -d");
        pane.await("events to be followed", s -> s.contains("Following events of all resources"));
        node.hastctl("role", "-c", conf.toString(), "primary", "test").expect(0);
        pane.await("the role event", s -> Pattern.compile("Z test role init primary").matcher(s).find());
        pane.press("C-c");
        String screen = awaitPrompt("the prompt after Ctrl-C");
        assertFalse(screen.contains("Exception"), screen);

        enter("hastctl:status");
        assertTrue(Pattern.compile("(?m)^test\\s+\\S+\\s+primary\\s").matcher(awaitPrompt("status")).find());
        node.hastctl("status", "-c", conf.toString()).expect(Node.DEGRADED);
    }

    @Test
    void ctrlZAtThePromptLeavesTheDaemonRunning() throws Exception {
        pane.press("C-z");
        enter("hastctl:status");
        assertTrue(Pattern.compile("(?m)^test\\s+-\\s+init\\s").matcher(awaitPrompt("status after Ctrl-Z")).find());
        assertTrue(jvm().orElseThrow().info().command().isPresent(), "the JVM runs");
        node.hastctl("status", "-c", conf.toString()).expect(Node.IDLE);
    }

    @Test
    void ctrlDLeavesTheConsoleAndStopsTheDaemonCleanly() throws Exception {
        pane.press("C-d");
        pane.await("hastd to exit", s -> s.contains(EXITED));
        assertTrue(pane.screen().contains(EXITED + "0]"), pane.screen());
        assertNotEquals(0, node.hastctl("status", "-c", conf.toString()).exit());
    }

    @Test
    void sigtermStopsTheDaemonWhileTheConsoleIsOpen() throws Exception {
        ProcessHandle jvm = jvm().orElseThrow(() -> new AssertionError("no pidfile"));
        jvm.destroy();
        pane.await("hastd to exit", s -> s.contains(EXITED));
        assertTrue(pane.screen().contains(EXITED + "0]"), pane.screen());
    }

    @Test
    void logLinesArePrintedAboveTheLineBeingTyped() throws Exception {
        pane.type("hastctl:sta");
        node.hastctl("role", "-c", conf.toString(), "primary", "test").expect(0);
        // A torn line never mends, so this times out on a console that prints logs through it;
        // waiting for both at once leaves JLine the moment it takes to draw the line again.
        pane.await("the role change logged above the prompt and the half-typed line",
                s -> s.contains("Role changed to primary")
                        && Pattern.matches("g! hastctl:sta\\s*(\\d\\d:\\d\\d:\\d\\d)?", lastLineOf(s).strip()));
    }

    /** Types a line and presses Enter. */
    private void enter(String line) throws Exception {
        pane.type(line);
        pane.press("Enter");
        pane.await("'" + line + "' to be echoed", s -> s.contains(line));
    }

    /** Waits until the last line is a prompt with nothing typed after it; returns the screen. */
    private String awaitPrompt(String after) throws Exception {
        return pane.await("a prompt after " + after, s -> BARE_PROMPT.matcher(lastLineOf(s).strip()).matches());
    }

    private static String lastLineOf(String screen) {
        return screen.substring(screen.lastIndexOf('\n') + 1);
    }

    private Optional<ProcessHandle> jvm() throws Exception {
        Path pid = dir.resolve("hastd.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        String text = Files.readString(pid).strip();
        return text.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(text));
    }
}
