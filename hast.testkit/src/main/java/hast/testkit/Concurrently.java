package hast.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the same steps on several threads at once and rethrows the first failure. */
final class Concurrently {
    interface Step {
        void run(int thread, int iteration) throws Exception;
    }

    private Concurrently() {
    }

    static void run(int threads, int iterations, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        step.run(thread, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception x) {
                        throw x;
                    }
                    throw (Error) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
