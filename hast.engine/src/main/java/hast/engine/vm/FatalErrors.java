package hast.engine.vm;

import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.Sysexits;

/**
 * What happens to an error the JVM cannot recover from. After an {@link OutOfMemoryError} a thread
 * may have died half-way through anything (a session, a listener, a lock holder), so a daemon
 * that went on would only look alive: it halts instead, with a non-zero status, so that whatever
 * watches it (the failover tool, the service manager) sees it gone and acts.
 */
public final class FatalErrors {
    private static final Logger LOG = Logger.getLogger(FatalErrors.class.getName());
    /** The status of a daemon halted by a fatal error. */
    public static final int STATUS = Sysexits.EX_SOFTWARE;

    private FatalErrors() {
    }

    /**
     * Makes every thread's uncaught throwable go to {@link #uncaught}: the daemon's, installed at
     * its start (the engine's tests keep the JVM's default, which only prints).
     */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
    }

    /**
     * For a loop that must not end silently (accepting, serving a session): hands a throwable it
     * caught to the thread's handler, which halts the daemon when it is fatal.
     */
    public static void report(Throwable t) {
        Thread current = Thread.currentThread();
        current.getUncaughtExceptionHandler().uncaughtException(current, t);
    }

    private static void uncaught(Thread thread, Throwable t) {
        if (t instanceof VirtualMachineError) {
            halt(thread, t);
        }
        LOG.log(Level.SEVERE, "Thread " + thread.getName() + " ended by an unexpected error", t);
    }

    /** Logs it if it can (the log itself may need memory; the status says it otherwise) and halts without shutdown hooks. */
    private static void halt(Thread thread, Throwable t) {
        try {
            LOG.log(Level.SEVERE, "Fatal " + t + " in thread " + thread.getName()
                    + "; halting the daemon (exit status " + STATUS + ") rather than run on with threads gone.", t);
            for (java.util.logging.Handler h : Logger.getLogger("hast").getHandlers()) {
                h.flush();
            }
        } catch (Throwable ignored) {
            // Out of memory even for the message: the status says it.
        } finally {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
