package hast.engine.resource;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests of a primary device between admission and their end on both components. A role
 * change closes it, then waits for the count to reach zero before the activemap and metadata
 * are flushed, so no write is still going when they are.
 */
final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    /** Counts a request in; {@code false} once closing, and the request must not start. */
    boolean enter() {
        // Counted before the check: a close either sees this request and waits for it, or is seen.
        count.incrementAndGet();
        if (closed) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (count.decrementAndGet() == 0) {
            synchronized (count) {
                count.notifyAll();
            }
        }
    }

    int count() {
        return count.get();
    }

    /** Refuses further requests and waits until those admitted have left or {@code deadlineMillis} passed. */
    void closeAndDrain(long deadlineMillis) throws InterruptedException {
        closed = true;
        synchronized (count) {
            while (count.get() > 0) {
                long left = deadlineMillis - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                count.wait(left);
            }
        }
    }
}
