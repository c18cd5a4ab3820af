package hast.posix;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The one thread of hastd that does the kernel device work, and, once the daemon has dropped to
 * an unprivileged account, the only one with capabilities: the small set of {@link Kept} that
 * this work needs, and nothing else. That work is opening /dev/nbdN, the nbd ioctls, making the
 * device root's alone and managing /dev/hast and its links. Linux credentials belong to threads:
 * glibc gives every thread the new uid, but each keeps or loses its capabilities by its own flag,
 * and a thread starts with its creator's. So this thread is made while the daemon is still root,
 * keeps its capabilities through the drop, then narrows them to the kept set; the threads that
 * serve a device in NBD_DO_IT are started from it, which gives them the same set.
 *
 * <p>One component of this bundle, so one thread per process, which two bundles share through
 * the service registry: the daemon, which makes it hold and narrow around its drop, and hast.geom,
 * whose kernel nbd client runs the device work on it. The daemon's reference is mandatory, so the
 * thread exists before the drop whatever order the bundles start in.
 *
 * <p>Where the driver is not present there is no such thread and nothing is kept.
 */
@Component(service = KernelDeviceThread.class)
public final class KernelDeviceThread {
    /** The thread's name, as /proc/&lt;pid&gt;/task/*&#47;comm shows it. */
    public static final String NAME = "kernel-device";

    /**
     * The capabilities this thread keeps after the drop, each for a check of the device work that
     * nothing narrower passes. CAP_SETUID is not among them: root cannot be regained.
     */
    public enum Kept {
        CAP_SYS_ADMIN(ThreadCapabilities.CAP_SYS_ADMIN, "the nbd ioctls"),
        CAP_DAC_OVERRIDE(ThreadCapabilities.CAP_DAC_OVERRIDE, "opening /dev/nbdN, which is root:disk 0660, and"
                + " creating /dev/hast and its links in folders only root may write"),
        CAP_CHOWN(ThreadCapabilities.CAP_CHOWN, "giving /dev/nbdN, /dev/hast and its links to root:root"),
        CAP_FOWNER(ThreadCapabilities.CAP_FOWNER, "setting mode 0600 on /dev/nbdN, which root owns");

        private final int capability;
        private final String why;

        Kept(int capability, String why) {
            this.capability = capability;
            this.why = why;
        }

        /** All of them, one bit each. */
        public static long set() {
            return ThreadCapabilities.set(Arrays.stream(values()).mapToInt(k -> k.capability).toArray());
        }

        /** Each with why it is kept, for the log. */
        public static String describe() {
            return Arrays.stream(values()).map(k -> k.name() + " (" + k.why + ")")
                    .collect(Collectors.joining(", "));
        }
    }

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
    public NbdDriver driver() {
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
     * Once the daemon is no longer root: keeps the {@link Kept} set alone on this thread,
     * permitted and effective, no longer across later uid changes, and checks that the thread can
     * neither use another capability nor become root again.
     *
     * @throws IOException when a step fails or the check does not hold
     */
    public void narrowAfterDrop() throws IOException {
        if (!exists()) {
            return;
        }
        run(() -> {
            long only = Kept.set();
            ThreadCapabilities.limitTo(only);
            ThreadCapabilities.keepAcrossUidChange(false);
            long effective = ThreadCapabilities.effective();
            long permitted = ThreadCapabilities.permitted();
            if (effective != only || permitted != only) {
                throw new IOException("thread " + NAME + " does not hold exactly 0x" + Long.toHexString(only) + " ("
                        + Kept.describe() + "): effective 0x" + Long.toHexString(effective) + ", permitted 0x"
                        + Long.toHexString(permitted));
            }
            if (Credentials.regainRoot()) {
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
