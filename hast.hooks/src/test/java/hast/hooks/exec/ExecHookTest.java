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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import hast.api.event.HastEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real programs run by the exec hook: arguments, exit reporting, long runs, output, failures. */
class ExecHookTest {
    private static final Logger HOOKS = Logger.getLogger("hast.hooks.exec");
    @TempDir
    Path dir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ExecHook hook;

    @BeforeEach
    void setUp() {
        HOOKS.setLevel(Level.ALL);
        HOOKS.addHandler(capture);
        hook = new ExecHook(Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() {
        hook.deactivate();
        HOOKS.removeHandler(capture);
        HOOKS.setLevel(null);
    }

    @Test
    void runsTheProgramWithTheEventNameResourceAndDetailsAndLogsAGracefulExit() throws Exception {
        Path args = dir.resolve("args");
        Path script = script("printf '%s\\n' \"$*\" >> " + args + "\necho some output\n");
        hook.onEvent(event(script, HastEvent.ROLE, "r0", "init", "primary"));
        hook.onEvent(event(script, HastEvent.SPLIT_BRAIN, "r0"));
        await("both hooks to exit", () -> count("FINE Hook exited gracefully (pid=") == 2);
        assertEquals(List.of("role r0 init primary", "split-brain r0"), Files.readAllLines(args).stream().sorted().toList());
        assertTrue(log.stream().anyMatch(l -> l.matches("FINE Hook exited gracefully \\(pid=\\d+, cmd=\\["
                + script + " role r0 init primary\\]\\)\\.")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches("FINE Hook output \\(pid=\\d+\\): some output")), log.toString());
    }

    @Test
    void aFailingOrKilledHookIsLoggedAsTheReferenceDoes() throws Exception {
        Path failing = script("exit 3\n");
        Path killed = script("kill -TERM $$\n");
        hook.onEvent(event(failing, HastEvent.CONNECT, "r0"));
        hook.onEvent(event(killed, HastEvent.DISCONNECT, "r1"));
        await("both reports", () -> count("SEVERE Hook") == 2);
        assertTrue(log.stream().anyMatch(l -> l.matches("SEVERE Hook exited ungracefully \\(pid=\\d+, exitcode=3, cmd=\\["
                + failing + " connect r0\\]\\)\\.")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches("SEVERE Hook was killed \\(pid=\\d+, signal=15, cmd=\\["
                + killed + " disconnect r1\\]\\)\\.")), log.toString());
    }

    @Test
    void aHookStillRunningIsReportedAndNobodyWaitsForIt() throws Exception {
        Path go = dir.resolve("go");
        Path slow = script("while [ ! -e " + go + " ]; do sleep 0.05; done\n");
        long before = System.nanoTime();
        hook.onEvent(event(slow, HastEvent.SYNCSTART, "r0"));
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1), "onEvent only starts the hook");
        await("the report", () -> log.stream().anyMatch(l -> l.matches(
                "WARNING Hook is running for [12] seconds \\(pid=\\d+, cmd=\\[" + slow + " syncstart r0\\]\\)\\.")));
        await("a second report a delay later", () -> count("WARNING Hook is running for") >= 2);
        Files.createFile(go);
        await("its exit", () -> count("FINE Hook exited gracefully") == 1);
    }

    @Test
    void aHookWritingMuchOutputNeverStallsOnAFullPipe() throws Exception {
        Path chatty = script("head -c 1000000 /dev/zero | tr '\\0' 'x' | fold -w 100\n");
        hook.onEvent(event(chatty, HastEvent.SYNCDONE, "r0"));
        await("its exit", () -> count("FINE Hook exited gracefully") == 1);
    }

    @Test
    void aMissingOrNonExecutableProgramIsLoggedOncePerEvent() throws Exception {
        Path missing = dir.resolve("missing");
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        hook.onEvent(event(missing, HastEvent.CONNECT, "r0"));
        hook.onEvent(event(plain, HastEvent.SYNCINTR, "r0"));
        assertEquals(2, count("SEVERE [r0] Unable to execute hook for "), log.toString());
        assertTrue(log.contains("SEVERE [r0] Unable to execute hook for connect (cmd=[" + missing
                + " connect r0]): Cannot run program \"" + missing + "\": error=2, No such file or directory"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("SEVERE [r0] Unable to execute hook for syncintr (cmd=[" + plain
                + " syncintr r0]): ") && l.endsWith("Permission denied")), log.toString());
    }

    @Test
    void noProgramNoHookAndAnOverlongCommandIsRefused() throws Exception {
        hook.onEvent(HastEvent.of(HastEvent.CONNECT, "r0"));
        hook.onEvent(event(script("exit 0\n"), HastEvent.ROLE, "r0", "x".repeat(ExecHook.MAX_COMMAND), "primary"));
        assertEquals(List.of("SEVERE [r0] Exec path too long, correct configuration file."), log);
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

    private long count(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).count();
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
