package hast.hooks.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;

/**
 * The hooks started and not yet exited: their output is read (a full pipe would stall a hook) and
 * logged at FINE, their exit is logged with the reference's texts, and one running longer than the
 * report delay is reported, again every such delay, as hastd does every 60 s.
 */
final class RunningHooks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunningHooks.class.getName());
    /** hastd checks its hooks every 5 s; a shorter report delay (tests) is checked more often. */
    private static final Duration CHECK = Duration.ofSeconds(5);
    /** What the JDK adds to a signal number as the exit value of a process killed by it. */
    private static final int SIGNALLED = 128;

    private final long reportNanos;
    private final Set<Hook> hooks = ConcurrentHashMap.newKeySet();
    private final ExecutorService output = Executors.newCachedThreadPool(DaemonThreads.numbered("hast-hook-output-"));
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("hast-hook-watch-"));

    RunningHooks(Duration report) {
        this.reportNanos = report.toNanos();
        long check = Math.min(CHECK.toNanos(), reportNanos);
        watch.scheduleWithFixedDelay(this::reportLongRunning, check, check, TimeUnit.NANOSECONDS);
    }

    /** Takes over a started hook until it exits. */
    void add(Process process, String cmd) {
        Hook hook = new Hook(process, cmd, System.nanoTime());
        hooks.add(hook);
        output.execute(() -> drain(hook));
        process.onExit().thenRun(() -> {
            hooks.remove(hook);
            exited(hook);
        });
    }

    private static void drain(Hook hook) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(hook.process.getInputStream(), Charset.defaultCharset()))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String l = line;
                LOG.fine(() -> "Hook output (pid=" + hook.process.pid() + "): " + l);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "Hook output (pid=" + hook.process.pid() + ") unreadable", e);
        }
    }

    private static void exited(Hook hook) {
        int status = hook.process.exitValue();
        long pid = hook.process.pid();
        if (status == 0) {
            LOG.fine(() -> "Hook exited gracefully (pid=" + pid + ", cmd=[" + hook.cmd + "]).");
        } else if (status > SIGNALLED) {
            LOG.severe("Hook was killed (pid=" + pid + ", signal=" + (status - SIGNALLED) + ", cmd=[" + hook.cmd + "]).");
        } else {
            LOG.severe("Hook exited ungracefully (pid=" + pid + ", exitcode=" + status + ", cmd=[" + hook.cmd + "]).");
        }
    }

    private void reportLongRunning() {
        long now = System.nanoTime();
        for (Hook hook : hooks) {
            if (now - hook.reported >= reportNanos) {
                hook.reported = now;
                LOG.warning("Hook is running for " + TimeUnit.NANOSECONDS.toSeconds(now - hook.started)
                        + " seconds (pid=" + hook.process.pid() + ", cmd=[" + hook.cmd + "]).");
            }
        }
    }

    @Override
    public void close() {
        watch.shutdownNow();
        output.shutdown();
    }

    private static final class Hook {
        final Process process;
        final String cmd;
        final long started;
        /** When it was last reported, or started; only the watch thread changes it. */
        long reported;

        Hook(Process process, String cmd, long started) {
            this.process = process;
            this.cmd = cmd;
            this.started = started;
            this.reported = started;
        }
    }
}
