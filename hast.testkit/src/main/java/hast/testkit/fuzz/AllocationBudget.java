package hast.engine.fuzz;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Assertions;

/**
 * Fails a fuzz input whose parsing allocates far more heap than the input could justify: a
 * parser that trusts an announced size (a 64 MiB payload behind a 40-byte header) shows here
 * even when the allocation happens to succeed. Counts the calling thread's allocations only.
 */
public final class AllocationBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationBudget() {
    }

    /**
     * Runs {@code parse} and fails when it allocated more than {@code fixed} bytes plus
     * {@code perByte} for each byte of {@code input}. A run over the budget is repeated once
     * before it counts, so that classes loaded on the first way through a path are not charged
     * to the input that happened to take it first.
     */
    public static void check(String what, byte[] input, long fixed, long perByte, Runnable parse) {
        long limit = fixed + perByte * input.length;
        long used = allocatedBy(parse);
        if (used > limit) {
            used = allocatedBy(parse);
        }
        if (used > limit) {
            Assertions.fail(what + " allocated " + used + " bytes for " + input.length + " bytes of input,"
                    + " over its budget of " + limit);
        }
    }

    private static long allocatedBy(Runnable parse) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        parse.run();
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
