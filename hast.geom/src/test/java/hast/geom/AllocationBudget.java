package hast.geom;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Assertions;

/**
 * Fails a fuzz input whose handling allocated far more heap than the input could justify: a
 * server that trusts an announced size shows here even when the allocation happens to succeed.
 * Counts the calling thread's allocations only. (The engine's fuzz targets have the same check;
 * modules share no test code.)
 */
final class AllocationBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationBudget() {
    }

    /**
     * Runs {@code work} and fails when it allocated more than {@code fixed} bytes plus
     * {@code perByte} for each byte of {@code input}. A run over the budget is repeated once
     * before it counts, so that classes loaded on the first way through a path are not charged
     * to the input that happened to take it first.
     */
    static void check(String what, byte[] input, long fixed, long perByte, Runnable work) {
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

    private static long allocatedBy(Runnable work) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
