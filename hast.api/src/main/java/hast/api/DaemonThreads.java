package hast.api;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way every HAST bundle makes its threads: daemon threads (a stopping framework or a
 * halting daemon never waits for one), named for {@code jstack} and the logs after what they
 * serve, e.g. {@code hast-sync r0}. @since 1.2
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A daemon thread running {@code body}, not started. */
    public static Thread create(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** A daemon thread running {@code body}, started. */
    public static Thread start(String name, Runnable body) {
        Thread t = create(name, body);
        t.start();
        return t;
    }

    /** Threads for an executor that makes one at a time: each is called {@code name}. */
    public static ThreadFactory named(String name) {
        return body -> create(name, body);
    }

    /** Threads for a pool: {@code prefix} followed by 1, 2, ... */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return body -> create(prefix + n.incrementAndGet(), body);
    }
}
