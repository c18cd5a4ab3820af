package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import hast.api.event.HastEvent;
import hast.shell.ctl.HastctlTest.Run;

import org.junit.jupiter.api.Test;

/** events (text and JSON lines, until the caller hangs up) and verify (golden output, exit statuses). */
class EventsAndVerifyTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Instant T = Instant.parse("2026-03-01T12:34:56.789Z");

    private final TestNode node = new TestNode();
    private final Hastctl daemon = new Hastctl(() -> Optional.of(node), node, node, Path.of("/etc/hast.conf"));
    private final Hastctl noDaemon = new Hastctl(Optional::empty, node, node, Path.of("/etc/hast.conf"));

    /** An events command running in a thread of its own, stopped by {@link #hangUp()}. */
    private final class Follower {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Runnable> stop = new CompletableFuture<>();
        final CompletableFuture<Integer> status = new CompletableFuture<>();

        Follower(String... args) {
            Thread t = new Thread(() -> status.complete(daemon.run(List.of(args),
                    new PrintStream(out, false, StandardCharsets.UTF_8), new PrintStream(err, false, StandardCharsets.UTF_8),
                    stop::complete)));
            t.setDaemon(true);
            t.start();
        }

        /** What was printed, the times of the state lines (taken now) replaced by NOW. */
        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).replaceAll("(?m)^\\S+( \\S+ state )", "NOW$1")
                        .replaceAll("(\"type\":\"state\",.*\"time\":)\"[^\"]+\"", "$1\"NOW\"");
            }
        }

        int hangUp() throws Exception {
            stop.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).run();
            return status.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void publishSome() {
        node.publish(new HastEvent("role", "shared", List.of("init", "primary"), T));
        node.publish(new HastEvent("connect", "backup", List.of(), T.plusMillis(1)));
        node.publish(new HastEvent("split-brain", "shared", List.of(), T.plusSeconds(60)));
    }

    @Test
    void eventsAreLinesOfTimeResourceEventAndDetailsUntilTheCallerHangsUp() throws Exception {
        Follower f = new Follower("events");
        await("the subscription", () -> !node.followers.isEmpty());
        publishSome();
        String golden = """
                NOW shared state primary degraded disconnected split-brain
                NOW idle state init - disconnected idle
                NOW backup state secondary complete connected complete
                2026-03-01T12:34:56.789Z shared role init primary
                2026-03-01T12:34:56.790Z backup connect
                2026-03-01T12:35:56.789Z shared split-brain
                """;
        await("three state lines, then three events", () -> f.out().equals(golden));
        assertEquals(0, f.hangUp());
        assertEquals(golden, f.out());
        assertTrue(node.followers.isEmpty(), "unsubscribed when the command ended");
        assertEquals(List.of("follow []"), node.calls);
    }

    @Test
    void eventsOfNamedResourcesOnlyAsJsonLines() throws Exception {
        Follower f = new Follower("events", "--json", "-d", "shared");
        await("the subscription", () -> !node.followers.isEmpty());
        assertEquals(List.of("follow [shared]"), node.calls, "the feed filters, not the command");
        publishSome();
        String golden = """
                {"type":"state","resource":"shared","details":["primary","degraded","disconnected","split-brain"],"time":"NOW","exec":""}
                {"type":"role","resource":"shared","details":["init","primary"],"time":"2026-03-01T12:34:56.789Z","exec":""}
                {"type":"split-brain","resource":"shared","details":[],"time":"2026-03-01T12:35:56.789Z","exec":""}
                """;
        await("the state line and two events", () -> f.out().equals(golden));
        assertEquals(0, f.hangUp());
        assertEquals("Following events of shared; interrupt to stop.\n", f.err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anInterruptEndsEventsToo() throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread t = new Thread(() -> status.complete(HastctlTest.run(daemon, "events").status()));
        t.start();
        await("the subscription", () -> !node.followers.isEmpty());
        t.interrupt();
        assertEquals(0, status.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(node.followers.isEmpty());
    }

    @Test
    void eventsOfUnknownResourcesFollowNothingAndExitOne() {
        Run r = HastctlTest.run(daemon, "events", "ghost", "shared", "phantom");
        assertEquals(new Run(1, "", "Unknown resource ghost.\nUnknown resource phantom.\n"), r);
        assertTrue(node.calls.isEmpty());
        assertEquals(69, HastctlTest.run(noDaemon, "events").status());
    }

    @Test
    void verifyGoldenWithProgressAndDifferencesExitsOne() {
        Run r = HastctlTest.run(daemon, "verify", "-d", "shared");
        assertEquals(new Run(1, """
                shared: differs at offset 4194304, length 2097152 (extent 2)
                shared: differs at offset 14680064, length 2093056 (extent 7)
                shared: 8 extents, 7 compared, 2 differing, 1 skipped as dirty; the differing extents are marked \
                dirty and being synchronised.
                """, """
                [shared] 12% verified (1 of 8 extents)
                [shared] 25% verified (2 of 8 extents)
                [shared] 37% verified (3 of 8 extents)
                [shared] 50% verified (4 of 8 extents)
                [shared] 62% verified (5 of 8 extents)
                [shared] 75% verified (6 of 8 extents)
                [shared] 87% verified (7 of 8 extents)
                [shared] 100% verified (8 of 8 extents)
                """), r);
        assertEquals("", HastctlTest.run(daemon, "verify", "shared").err(), "progress only with -d");
    }

    @Test
    void verifyOfAResourceThatIsNotPrimaryOrUnknownFailsWithItsStatus() {
        assertEquals(new Run(69, "", "[idle] The resource is init here; verify runs on the primary.\n"),
                HastctlTest.run(daemon, "verify", "idle"));
        assertEquals(new Run(1, "", "Unknown resource ghost.\n"), HastctlTest.run(daemon, "verify", "ghost"));
        Run both = HastctlTest.run(daemon, "verify", "backup", "shared");
        assertEquals(69, both.status(), "the first failure's status wins over differences");
        assertTrue(both.out().contains("shared: 8 extents"), both.out());
        assertEquals(69, HastctlTest.run(noDaemon, "verify", "shared").status());
    }

    @Test
    void aHangUpStopsVerifyAfterTheExtentBeingComparedAndSkipsTheRest() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = daemon.run(List.of("verify", "shared", "backup"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Runnable::run);  // the caller is gone at once
        assertEquals(75, status);
        assertEquals("[shared] Verification cancelled after 1 of 8 extents.\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("verify shared"), node.calls, "backup is not started");
    }
}
