package hast.shell.gogo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

import hast.api.control.LogConsole;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Fits hastctl into each interactive Gogo console (a session with a line reader, which the shell
 * puts there before it runs its profile, so the first command of the profile is early enough):
 * Tab completion of hastctl's subcommands, options and operands, and the daemon's log lines
 * printed above the line being typed. Sessions without a terminal (scripts, the control socket)
 * are left alone.
 */
@Component(service = CommandSessionListener.class)
public final class ConsoleSessions implements CommandSessionListener {
    /** Set by Gogo's shell in an interactive session: its JLine LineReader. */
    private static final String READER = ".reader";
    private final Set<CommandSession> seen = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final List<ServiceRegistration<LogConsole>> logs = new ArrayList<>();
    private final BundleContext context;
    private final HastctlCommands commands;

    @Activate
    public ConsoleSessions(BundleContext context, @Reference HastctlCommands commands) {
        this.context = context;
        this.commands = commands;
    }

    @Override
    public void beforeExecute(CommandSession session, CharSequence commandline) {
        Object reader = session.get(READER);
        if (reader == null || !seen.add(session)) {
            return;
        }
        // Only here is JLine touched: the bundle also runs where it is absent (tests, the client).
        ConsoleCompletion.install(session, commands::hastctl);
        synchronized (logs) {
            logs.add(context.registerService(LogConsole.class, new PromptLog(reader), null));
        }
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Exception exception) {
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Object result) {
    }

    @Deactivate
    void deactivate() {
        synchronized (logs) {
            for (ServiceRegistration<LogConsole> r : logs) {
                try {
                    r.unregister();
                } catch (IllegalStateException gone) {
                    // The framework took it down first.
                }
            }
            logs.clear();
        }
    }
}
