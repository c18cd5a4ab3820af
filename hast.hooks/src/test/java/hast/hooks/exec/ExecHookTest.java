package hast.hooks.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import hast.api.event.HastEvent;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real programs run by the exec hook: arguments, exit reporting, long runs, output, failures. */
class ExecHookTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final LogCapture log = LogCapture.of("hast.hooks.exec", Level.ALL);
    private ExecHook hook;

    @BeforeEach
    void setUp() {
        hook = new ExecHook(Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() {
        hook.deactivate();
    }

    @Test
    void runsTheProgramWithTheEventNameResourceAndDetailsAndLogsAGracefulExit() throws Exception {
        Path args = dir.resolve("args");
        Path script = script("printf '%s\\n' \"$*\" >> " + args + "\necho some output\n");
        hook.onEvent(event(script, HastEvent.ROLE, "r0", "init", "primary"));
        hook.onEvent(event(script, HastEvent.SPLIT_BRAIN, "r0"));
        await("both hooks to exit", () -> count(Level.FINE, "Hook exited gracefully (pid=") == 2);
        assertEquals(List.of("role r0 init primary", "split-brain r0"), Files.readAllLines(args).stream().sorted().toList());
        assertTrue(log.messages(Level.FINE).stream().anyMatch(l -> l.matches(
                "Hook exited gracefully \\(pid=\\d+, cmd=\\[" + script + " role r0 init primary\\]\\)\\.")), log.toString());
        assertTrue(log.messages(Level.FINE).stream().anyMatch(l -> l.matches("Hook output \\(pid=\\d+\\): some output")),
                log.toString());
    }

    @Test
    void aFailingOrKilledHookIsLoggedAsTheReferenceDoes() throws Exception {
        Path failing = script("exit 3\n");
        Path killed = script("kill -TERM $$\n");
        hook.onEvent(event(failing, HastEvent.CONNECT, "r0"));
        hook.onEvent(event(killed, HastEvent.DISCONNECT, "r1"));
        await("both reports", () -> count(Level.SEVERE, "Hook") == 2);
        assertTrue(log.messages(Level.SEVERE).stream().anyMatch(l -> l.matches(
                "Hook exited ungracefully \\(pid=\\d+, exitcode=3, cmd=\\[" + failing + " connect r0\\]\\)\\.")), log.toString());
        assertTrue(log.messages(Level.SEVERE).stream().anyMatch(l -> l.matches(
                "Hook was killed \\(pid=\\d+, signal=15, cmd=\\[" + killed + " disconnect r1\\]\\)\\.")), log.toString());
    }

    @Test
    void aHookStillRunningIsReportedAndNobodyWaitsForIt() throws Exception {
        Path go = dir.resolve("go");
        Path slow = script("while [ ! -e " + go + " ]; do sleep 0.05; done\n");
        long before = System.nanoTime();
        hook.onEvent(event(slow, HastEvent.SYNCSTART, "r0"));
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1), "onEvent only starts the hook");
        await("the report", () -> log.messages(Level.WARNING).stream().anyMatch(l -> l.matches(
                "Hook is running for [12] seconds \\(pid=\\d+, cmd=\\[" + slow + " syncstart r0\\]\\)\\.")));
        await("a second report a delay later", () -> count(Level.WARNING, "Hook is running for") >= 2);
        Files.createFile(go);
        await("its exit", () -> count(Level.FINE, "Hook exited gracefully") == 1);
    }

    @Test
    void aHookWritingMuchOutputNeverStallsOnAFullPipe() throws Exception {
        Path chatty = script("head -c 1000000 /dev/zero | tr '\\0' 'x' | fold -w 100\n");
        hook.onEvent(event(chatty, HastEvent.SYNCDONE, "r0"));
        await("its exit", () -> count(Level.FINE, "Hook exited gracefully") == 1);
    }

    @Test
    void aMissingOrNonExecutableProgramIsLoggedOncePerEvent() throws Exception {
        Path missing = dir.resolve("missing");
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        hook.onEvent(event(missing, HastEvent.CONNECT, "r0"));
        hook.onEvent(event(plain, HastEvent.SYNCINTR, "r0"));
        assertEquals(2, count(Level.SEVERE, "[r0] Unable to execute hook for "), log.toString());
        assertTrue(log.messages(Level.SEVERE).contains("[r0] Unable to execute hook for connect (cmd=[" + missing
                + " connect r0]): Cannot run program \"" + missing + "\": error=2, No such file or directory"), log.toString());
        assertTrue(log.messages(Level.SEVERE).stream().anyMatch(l -> l.startsWith("[r0] Unable to execute hook for syncintr"
                + " (cmd=[" + plain + " syncintr r0]): ") && l.endsWith("Permission denied")), log.toString());
    }

    @Test
    void noProgramNoHookAndAnOverlongCommandIsRefused() throws Exception {
        hook.onEvent(HastEvent.of(HastEvent.CONNECT, "r0"));
        hook.onEvent(event(script("exit 0\n"), HastEvent.ROLE, "r0", "x".repeat(ExecHook.MAX_COMMAND), "primary"));
        assertEquals(List.of("[r0] Exec path too long, correct configuration file."), log.messages(Level.SEVERE));
        assertEquals(1, log.messages().size(), log.toString());
    }

    private Path script(String body) throws IOException {
        Path p = Files.createTempFile(dir, "hook", ".sh", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(p, "#!/bin/sh\n" + body);
        return p;
    }

    private static HastEvent event(Path program, String type, String resource, String... details) {
        return new HastEvent(type, resource, List.of(details), Instant.now(), program.toString());
    }

    private long count(Level level, String prefix) {
        return log.messages(level).stream().filter(l -> l.startsWith(prefix)).count();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; log: " + log);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
