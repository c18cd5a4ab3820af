package hast.engine.daemon;

import java.io.IOException;
import java.nio.file.Path;

import hast.posix.Descriptor;
import hast.posix.Posix;

/**
 * The file a background hastd writes its standard output and error to (run/hastd's
 * {@code HASTD_LOG}). After logrotate has moved it away, {@link #reopen} points both descriptors
 * at a file of that name again, so that the daemon need not be restarted to let go of the old one.
 */
final class LogFile {
    /** System property naming the file; run/hastd sets it in background mode only. */
    static final String PROPERTY = "hastd.log";

    private final Path path;

    LogFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Opens the file for appending (creating it, mode 0640, when logrotate has not) and makes it
     * standard output and standard error. On failure both stay on the file they were on.
     */
    void reopen() throws IOException {
        try (Descriptor file = Descriptor.open(path.toString(), Posix.O_WRONLY | Posix.O_APPEND | Posix.O_CREAT, 0640)) {
            System.out.flush();
            System.err.flush();
            for (int target : new int[] {1, 2}) {
                file.duplicateOnto(target);
            }
        }
    }
}
