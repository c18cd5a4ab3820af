package hast.shell.gogo;

import hast.shell.ctl.Hangup;

import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * Ctrl-C at the console while a hastctl command runs. Gogo's own handler would interrupt the
 * command's thread, and an interrupt that lands in a disk read or write inside the engine closes
 * that disk's channel under the resource. Instead, Ctrl-C is the command's hang-up: events ends at
 * once and verify after the extent it is comparing, as when the client goes away, and the other
 * subcommands, which are short and must not stop half-way, finish first. The shell's handler is
 * back once the command is over.
 */
final class ConsoleInterrupt implements Hangup, AutoCloseable {
    private final Terminal terminal;
    private final SignalHandler previous;
    private boolean pressed;
    private Runnable stop;

    /** @param terminal the console's JLine Terminal (typed Object by the caller, which must not link JLine) */
    ConsoleInterrupt(Object terminal) {
        this.terminal = (Terminal) terminal;
        this.previous = this.terminal.handle(Signal.INT, signal -> onCtrlC());
    }

    private void onCtrlC() {
        Runnable s;
        synchronized (this) {
            pressed = true;
            s = stop;
        }
        if (s != null) {
            s.run();
        }
    }

    @Override
    public void onHangup(Runnable stop) {
        boolean already;
        synchronized (this) {
            this.stop = stop;
            already = pressed;
        }
        if (already) {
            stop.run();
        }
    }

    /** Whether Ctrl-C was pressed (the terminal then shows ^C where the cursor was). */
    synchronized boolean pressed() {
        return pressed;
    }

    @Override
    public void close() {
        terminal.handle(Signal.INT, previous);
    }
}
