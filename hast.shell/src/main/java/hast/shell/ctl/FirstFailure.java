package hast.shell.ctl;

import java.io.PrintStream;

import hast.api.HastException;
import hast.api.Sysexits;

/** Reports each failure and keeps the first one's status, as the reference's create and dump do. */
final class FirstFailure {
    private final PrintStream err;
    private int status = Sysexits.EX_OK;

    FirstFailure(PrintStream err) {
        this.err = err;
    }

    void report(HastException e) {
        report(e.status(), e.getMessage());
    }

    void report(int failure, String message) {
        err.println(message);
        if (status == Sysexits.EX_OK) {
            status = failure;
        }
    }

    int exitStatus() {
        return status;
    }
}
