package hast.shell.gogo;

import hast.shell.ctl.Hangup;

import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * Ctrl-C at the console, while a command that streams runs, as that command's hang-up: it ends
 * the way the client's does, quietly, instead of Gogo interrupting the whole job and reporting
 * an InterruptedException. The shell's own handler is back once the command is over.
 */
final class ConsoleInterrupt implements Hangup, AutoCloseable {
    private final Terminal terminal;
    private SignalHandler previous;
    private volatile boolean pressed;

    /** @param terminal the console's JLine Terminal (typed Object by the caller, which must not link JLine) */
    ConsoleInterrupt(Object terminal) {
        this.terminal = (Terminal) terminal;
    }

    @Override
    public synchronized void onHangup(Runnable stop) {
        SignalHandler replaced = terminal.handle(Signal.INT, signal -> {
            pressed = true;
            stop.run();
        });
        if (previous == null) {
            previous = replaced;
        }
    }

    /** Whether Ctrl-C ended the command (the terminal then shows ^C where the cursor was). */
    boolean pressed() {
        return pressed;
    }

    @Override
    public synchronized void close() {
        if (previous != null) {
            terminal.handle(Signal.INT, previous);
            previous = null;
        }
    }
}
