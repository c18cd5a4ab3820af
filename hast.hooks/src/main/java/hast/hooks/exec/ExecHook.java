package hast.hooks.exec;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * hast.conf's {@code exec}: runs the resource's program on every event as hastd does, with the
 * event name, the resource name and the event's details as arguments (e.g. {@code role r0 init
 * primary}), without waiting for it. The dispatcher calls this off the engine's threads; starting
 * the process is all that happens here, its exit is logged when it comes.
 */
@Component
public final class ExecHook implements HastEventListener {
    /** Framework or system property: seconds a hook may run before it is reported (default 60). */
    static final String REPORT_PROPERTY = "hast.hooks.report.seconds";
    static final Duration REPORT_DEFAULT = Duration.ofSeconds(60);
    /** The reference builds the command line in a PATH_MAX buffer and skips a hook that does not fit. */
    static final int MAX_COMMAND = 1024;
    private static final Logger LOG = Logger.getLogger(ExecHook.class.getName());
    private static final File NO_INPUT = new File("/dev/null");

    private final RunningHooks running;

    @Activate
    public ExecHook(BundleContext context) {
        this(reportDelay(context.getProperty(REPORT_PROPERTY)));
    }

    ExecHook(Duration report) {
        this.running = new RunningHooks(report);
    }

    private static Duration reportDelay(String seconds) {
        if (seconds == null) {
            return REPORT_DEFAULT;
        }
        try {
            long s = Long.parseLong(seconds.trim());
            if (s > 0) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warning(REPORT_PROPERTY + "=" + seconds + " is not a positive number of seconds; using "
                + REPORT_DEFAULT.toSeconds() + ".");
        return REPORT_DEFAULT;
    }

    @Override
    public void onEvent(HastEvent event) {
        if (event.exec().isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of(event.exec(), event.type(), event.resource()));
        argv.addAll(event.details());
        String cmd = String.join(" ", argv);
        if (cmd.length() >= MAX_COMMAND) {
            LOG.severe("[" + event.resource() + "] Exec path too long, correct configuration file.");
            return;
        }
        ProcessBuilder hook = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
        try {
            running.add(hook.start(), cmd);
        } catch (IOException e) {
            LOG.severe("[" + event.resource() + "] Unable to execute hook for " + event.type() + " (cmd=[" + cmd
                    + "]): " + e.getMessage());
        }
    }

    /** Hooks still running go on (hastd never kills one); only the watch over them ends. */
    @Deactivate
    void deactivate() {
        running.close();
    }
}
