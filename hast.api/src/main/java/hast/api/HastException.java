package hast.api;

/**
 * A failure that an operator must see: its message names the problem, and {@link #status()}
 * is the exit status (from {@link Sysexits}) that a command reporting it ends with.
 */
public class HastException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HastException(int status, String message) {
        super(message);
        this.status = status;
    }

    public HastException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The exit status a command that fails with this exception returns. */
    public int status() {
        return status;
    }
}
