package hast.engine.config;

import hast.api.HastException;
import hast.api.Sysexits;

/** A configuration file that cannot be read or used; the message reads {@code <file>:<line>: <problem>}. */
public final class ConfigException extends HastException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;

    ConfigException(String file, int line, String problem) {
        this(Sysexits.EX_CONFIG, file, line, problem, null);
    }

    ConfigException(int status, String file, int line, String problem, Throwable cause) {
        super(status, file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** The 1-based line of the problem; 0 when it concerns the file as a whole. */
    public int line() {
        return line;
    }
}
