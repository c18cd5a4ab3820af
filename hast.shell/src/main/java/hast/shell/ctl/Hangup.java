package hast.shell.ctl;

/**
 * How a command that runs until it is stopped ({@code hastctl events}) learns that whoever
 * started it has gone: through a control socket, its client hung up. An interrupt of the
 * command's thread (Ctrl-C in the Gogo console) stops it as well.
 */
@FunctionalInterface
public interface Hangup {
    /** Nobody hangs up: only an interrupt stops the command. */
    Hangup NEVER = stop -> { };

    /** Runs {@code stop} (once, from any thread) when the caller has gone. */
    void onHangup(Runnable stop);
}
