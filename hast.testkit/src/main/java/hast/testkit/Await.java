package hast.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition a plug-in meets asynchronously (a program run, a line written). */
public final class Await {
    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} if it still does not after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
