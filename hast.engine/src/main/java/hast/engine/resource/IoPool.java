package hast.engine.resource;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import hast.api.DaemonThreads;

/**
 * The local I/O threads of a primary resource: up to {@code threads} at once, but a task goes to an
 * idle thread before a new one is started, and a thread idle for {@link #IDLE_SECONDS} ends.
 *
 * <p>A fixed pool of the same size would start a thread for each of its first {@code threads}
 * tasks even with the others idle, so a client at queue depth 1 left 64 threads behind, each with
 * its stack and its per-thread buffers, for the life of the resource. Here queue depth 1 keeps one
 * or two threads, and a burst's threads go once it is over.
 *
 * <p>The queue hands a task over only to a thread already waiting for one; when none waits the
 * pool starts a thread, and only with all {@code threads} busy is the task queued (by the
 * rejection handler) for the next thread that finishes.
 */
final class IoPool {
    static final int IDLE_SECONDS = 30;

    private IoPool() {
    }

    static ThreadPoolExecutor create(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new HandOverQueue(), DaemonThreads.numbered(name + " #"), (task, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException(name + " is shut down");
                    }
                    ((HandOverQueue) executor.getQueue()).enqueue(task);
                });
        return pool;
    }

    /** Offers succeed only into a waiting thread's hands; {@link #enqueue} queues for real. */
    private static final class HandOverQueue extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }
}
