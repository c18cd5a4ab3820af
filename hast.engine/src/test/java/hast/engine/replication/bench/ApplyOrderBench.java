package hast.engine.replication;

import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the secondary's ordering costs each request: its admission (a scan of the requests in
 * flight for overlaps) and its release, with {@code inFlight} requests under way, 4 KiB writes at
 * random over 1 GiB (so almost none overlap) or, with {@code sequential}, 1 MiB writes one after
 * the other. The class lives in the replication package (the order is package-private) but in
 * the bench folder, which only the jmh profile compiles:
 * {@code mvn -o -q -Pjmh -pl hast.engine test-compile -Dhast.target=target-bench}, then JMH's main
 * on the test classpath with {@code ApplyOrderBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApplyOrderBench {
    private static final long SIZE = 1L << 30;

    @Param({"1", "32", "64"})
    public int inFlight;

    @Param({"false", "true"})
    public boolean sequential;

    private ApplyOrder order;
    private final ArrayDeque<ApplyOrder.Entry> under = new ArrayDeque<>();
    private final SplittableRandom random = new SplittableRandom(7);
    private long next;

    @Setup(Level.Iteration)
    public void setUp() {
        order = new ApplyOrder(inFlight, SIZE);
        under.clear();
        next = 0;
        for (int i = 0; i < inFlight - 1; i++) {
            under.add(order.admit(frame()));
        }
    }

    private Frame frame() {
        if (sequential) {
            long at = next;
            next = (next + (1 << 20)) % SIZE;
            return Frame.request(Frame.Type.WRITE, 0, 1, at, 1 << 20, null);
        }
        return Frame.request(Frame.Type.WRITE, 0, 1, random.nextLong(SIZE >> 12) << 12, 4096, null);
    }

    /** One request admitted, the oldest one finished: the window stays {@code inFlight} deep. */
    @Benchmark
    public List<ApplyOrder.Entry> admitAndFinish() {
        under.add(order.admit(frame()));
        return order.finished(under.poll());
    }
}
