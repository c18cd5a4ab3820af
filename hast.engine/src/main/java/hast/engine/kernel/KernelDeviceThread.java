package hast.engine.kernel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import hast.engine.posix.Posix;
import hast.engine.posix.ThreadCapabilities;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The one thread of hastd that drives the kernel's nbd driver, and, once the daemon has dropped
 * to an unprivileged account, the only one with a capability: CAP_SYS_ADMIN, which the nbd
 * ioctls need, and nothing else. Linux credentials belong to threads: glibc gives every thread
 * the new uid, but each keeps or loses its capabilities by its own flag, and a thread starts with
 * its creator's. So this thread is made while the daemon is still root, keeps its capabilities
 * through the drop, then narrows them to CAP_SYS_ADMIN; every nbd ioctl runs on it, and the
 * threads that serve a device in NBD_DO_IT are started from it, which gives them the same set.
 *
 * <p>Where the driver is not present there is no such thread and nothing is kept.
 */
@Component(service = KernelDeviceThread.class)
public final class KernelDeviceThread {
    /** The thread's name, as /proc/&lt;pid&gt;/task/*&#47;comm shows it. */
    public static final String NAME = "kernel-device";

    /** Work done on this thread. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws IOException;
    }

    private final NbdDriver driver;
    /** Null without the driver. */
    private final ExecutorService executor;
    /** Only ever one: the executor's thread never dies, as every task goes through submit. */
    private volatile Thread thread;

    @Activate
    public KernelDeviceThread() {
        this(NbdDriver.fromEnvironment());
    }

    /** With {@code driver} instead of the one the environment names: for tests. */
    public KernelDeviceThread(NbdDriver driver) {
        this.driver = driver;
        this.executor = driver.present() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, NAME);
            t.setDaemon(true);
            thread = t;
            return t;
        }) : null;
    }

    @Deactivate
    void deactivate() {
        if (executor != null) {
            executor.shutdown();
        }
    }

    /** The driver this thread is for. */
    NbdDriver driver() {
        return driver;
    }

    /** Whether the thread exists, that is, whether the driver is present. */
    public boolean exists() {
        return executor != null;
    }

    /**
     * Before the daemon stops being root: lets this thread keep its permitted capabilities
     * through the change of uid. Without the driver, nothing.
     */
    public void holdThroughDrop() throws IOException {
        if (exists()) {
            run(() -> {
                ThreadCapabilities.keepAcrossUidChange(true);
                return null;
            });
        }
    }

    /**
     * Once the daemon is no longer root: keeps CAP_SYS_ADMIN alone on this thread, permitted and
     * effective, no longer across later uid changes, and checks that the thread can neither use
     * another capability nor become root again.
     *
     * @throws IOException when a step fails or the check does not hold
     */
    public void narrowAfterDrop() throws IOException {
        if (!exists()) {
            return;
        }
        run(() -> {
            ThreadCapabilities.limitTo(ThreadCapabilities.CAP_SYS_ADMIN);
            ThreadCapabilities.keepAcrossUidChange(false);
            long only = 1L << ThreadCapabilities.CAP_SYS_ADMIN;
            long effective = ThreadCapabilities.effective();
            long permitted = ThreadCapabilities.permitted();
            if (effective != only || permitted != only) {
                throw new IOException("thread " + NAME + " does not hold CAP_SYS_ADMIN alone (effective 0x"
                        + Long.toHexString(effective) + ", permitted 0x" + Long.toHexString(permitted) + ")");
            }
            if (Posix.libc().setuid(0) == 0) {
                throw new IOException("thread " + NAME + " could become root again");
            }
            return null;
        });
    }

    /**
     * Runs {@code task} on this thread and waits for it; on this thread already, runs it here.
     *
     * @throws IOException what the task threw, or that there is no driver to drive
     */
    public <T> T run(Task<T> task) throws IOException {
        if (!exists()) {
            throw new IOException("the kernel nbd driver is not present (no " + driver.root().resolve("sys/module/nbd")
                    + " and " + driver.root().resolve("dev/nbd0") + ")");
        }
        if (Thread.currentThread() == thread) {
            return task.run();
        }
        Future<T> result = executor.submit(task::run);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted waiting for thread " + NAME);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Starts a daemon thread from this one, so that it holds the same capabilities: for the
     * threads that sit in an ioctl for as long as a device lives.
     */
    public void start(String name, Runnable body) throws IOException {
        run(() -> {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            return null;
        });
    }
}
