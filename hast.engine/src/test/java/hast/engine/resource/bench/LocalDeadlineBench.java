package hast.engine.resource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the local deadline costs each request of a primary: one watch, its answer, its release.
 * The class lives in the engine's package (the deadline is package-private) but in the bench
 * folder, which only the jmh profile compiles:
 * {@code mvn -o -q -Pjmh -pl hast.engine test-compile -Dhast.target=target-bench}, then JMH's
 * main on the test classpath with {@code LocalDeadlineBench}.
 *
 * <p>{@code oneInFlight} is a client at queue depth 1, {@code manyInFlight} four threads at once
 * (requests of several clients, or the link's replies completing while new requests come in).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LocalDeadlineBench {
    private LocalDeadline deadline;
    private final LongAdder errors = new LongAdder();

    @Setup
    public void setUp() {
        // The disk is never asked: no request stays watched for anywhere near the timeout.
        deadline = new LocalDeadline("bench", () -> Duration.ofSeconds(20), new WatchedDisk(null),
                new LocalErrors("bench", e -> { }));
    }

    @TearDown
    public void tearDown() {
        deadline.close();
    }

    private Object watchAndAnswer() {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        LocalDeadline.Watch w = deadline.watch(answer, "write", errors);
        w.diskDone();
        answer.complete(null);
        return w;
    }

    @Benchmark
    public Object oneInFlight() {
        return watchAndAnswer();
    }

    @Benchmark
    @Threads(4)
    public Object manyInFlight() {
        return watchAndAnswer();
    }
}
