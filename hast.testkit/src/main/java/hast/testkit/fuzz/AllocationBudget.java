package hast.testkit.fuzz;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Assertions;

/**
 * Fails a fuzz input whose handling allocates far more heap than the input could justify: a
 * parser that trusts an announced size (a 64 MiB payload behind a 40-byte header) shows here
 * even when the allocation happens to succeed. Counts the calling thread's allocations only.
 */
public final class AllocationBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Work under a budget; it may end with any exception the target declares for bad input. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private AllocationBudget() {
    }

    /**
     * Runs {@code work} and fails when it allocated more than {@code fixed} bytes plus
     * {@code perByte} for each byte of {@code input}. A run over the budget is repeated once
     * before it counts, so that classes loaded on the first way through a path are not charged
     * to the input that happened to take it first. An exception of {@code work} is not caught:
     * a target that expects one for bad input catches it inside {@code work}.
     */
    public static void check(String what, byte[] input, long fixed, long perByte, Runnable work) {
        long limit = fixed + perByte * input.length;
        long used = allocatedBy(work);
        if (used > limit) {
            used = allocatedBy(work);
        }
        if (used > limit) {
            Assertions.fail(what + " allocated " + used + " bytes for " + input.length + " bytes of input,"
                    + " over its budget of " + limit);
        }
    }

    /**
     * {@link #check} for work that may end with {@code expected}, the way the target reports bad
     * input (e.g. an {@code IOException} for a malformed or cut-short stream); any other
     * exception fails the input.
     */
    public static void check(String what, byte[] input, long fixed, long perByte,
            Class<? extends Exception> expected, Work work) {
        check(what, input, fixed, perByte, () -> {
            try {
                work.run();
            } catch (Exception e) {
                if (!expected.isInstance(e)) {
                    Assertions.fail(what + " failed with " + e + " where only " + expected.getSimpleName()
                            + " reports bad input", e);
                }
            }
        });
    }

    private static long allocatedBy(Runnable work) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
