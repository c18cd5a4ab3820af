package hast.api.control;

/**
 * A terminal where someone is typing, which hastd's log lines must not tear: while one is
 * registered as a service, the daemon prints its log lines here (the console puts them above
 * the line being typed) instead of on standard error.
 */
@FunctionalInterface
public interface LogConsole {
    /** Shows one formatted log line, which ends with a line end. */
    void print(String line);
}
