package hast.engine.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.LogConsole;
import hast.engine.admin.LocalAdmin;
import hast.engine.config.ConfigParser;
import hast.engine.config.HastConfig;
import hast.engine.config.NodeIdentity;
import hast.engine.config.Settings;
import hast.engine.node.EngineHost;
import hast.engine.node.HastEngine;
import hast.engine.vm.FatalErrors;
import hast.posix.Account;
import hast.posix.KernelDeviceThread;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import sun.misc.Signal;

/**
 * hastd's shell: reads the command line the launcher was started with, loads hast.conf, takes the
 * pidfile and hands this node's settings to Configuration Admin, where the engine
 * ({@link HastEngine}) takes them; once every socket is open it drops to an unprivileged user
 * ({@link Privileges}). It owns the process: signals, and the exit status (the launcher's own, 117
 * on any framework stop, never reaches the operator). In another framework, without the bnd
 * launcher, it never activates and the engine is configured by whoever fills Configuration Admin.
 */
@Component(immediate = true, service = EngineHost.class)
public final class Hastd implements EngineHost {
    /** Service property of the bnd launcher's registration: the command-line arguments (String[]). */
    static final String LAUNCHER_ARGUMENTS = "launcher.arguments";
    private static final Logger LOG = Logger.getLogger(Hastd.class.getName());
    /** How long the control socket (opened by hast.shell once HastNode is registered) may take to answer. */
    private static final long CONTROL_SOCKET_MILLIS = 30_000;
    /** System property set by run/hastd in background mode: a file to write our pid into once started. */
    static final String READY_FILE = "hastd.ready";

    private volatile Handler log;
    private volatile PidFile pidfile;
    private volatile DaemonOptions options;
    private volatile ConfigParser parser;
    private volatile HastConfig config;
    private volatile Optional<Account> account = Optional.empty();
    private volatile HastEngine engine;
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** The console someone types at, while there is one: log lines go there (LogSetup). */
    private volatile LogConsole console;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindLogConsole(LogConsole c) {
        console = c;
    }

    void unbindLogConsole(LogConsole c) {
        if (console == c) {
            console = null;
        }
    }

    /**
     * Made before the drop, as the one thread that keeps CAP_SYS_ADMIN through it (where the nbd
     * driver is): hast.native's component, which hast.geom's kernel nbd client runs its work on.
     */
    @Reference
    private KernelDeviceThread kernelDevice;

    /** Where the engine takes its settings. */
    @Reference
    private ConfigurationAdmin configurations;

    /** The launcher's registration: its properties carry the command line. */
    @Reference(service = Object.class, target = "(" + LAUNCHER_ARGUMENTS + "=*)")
    private Map<String, Object> launcher;

    /**
     * Reads the command line and hast.conf and prepares the process; the engine starts once the
     * settings are in Configuration Admin, the last step, and reports back ({@link #started}).
     */
    @Activate
    void activate() {
        Handler handler = null;
        PidFile pid = null;
        try {
            options = DaemonOptions.parse(List.of((String[]) launcher.get(LAUNCHER_ARGUMENTS)));
            if (options.help()) {
                System.out.print(DaemonOptions.HELP);
                System.out.flush();
                exit(Sysexits.EX_OK);
            }
            if (options.check()) {
                new LocalAdmin().check(options.config(), List.of()).forEach(System.out::println);
                exit(Sysexits.EX_OK);
            }
            handler = LogSetup.install(options.debug(), () -> console);
            FatalErrors.install();
            parser = new ConfigParser(NodeIdentity.fromEnvironment());
            Settings settings = parser.settings(options.config());
            config = settings.config();
            if (options.pidfile() != null || !options.foreground()) {
                pid = PidFile.acquire(options.pidfile() != null ? options.pidfile()
                        : java.nio.file.Path.of(config.pidfile()));
            }
            refuseLiveControlSocket(config);
            List<java.nio.file.Path> locals = config.resources().stream()
                    .map(r -> java.nio.file.Path.of(r.local())).toList();
            account = Privileges.target(options.user(), config.user()).map(a -> Privileges.narrow(a, locals));
            ExportSockets.prepare(config, account);
            this.log = handler;
            this.pidfile = pid;
            Signal.handle(new Signal("TERM"), s -> stop("Termination signal received, exiting."));
            Signal.handle(new Signal("INT"), s -> stop("Termination signal received, exiting."));
            Signal.handle(new Signal("HUP"), s -> reload());
            String logFile = System.getProperty(LogFile.PROPERTY);
            if (logFile != null) {
                LogFile file = new LogFile(java.nio.file.Path.of(logFile));
                Signal.handle(new Signal("USR1"), s -> reopen(file));
            }
            SettingsPublication.write(configurations, settings);
        } catch (HastException e) {
            if (handler != null) {
                LOG.severe(e.getMessage());
                handler.flush();
            } else {
                System.err.println(e.getMessage());
            }
            closeQuietly(pid);
            throw exit(e.status());
        }
    }

    /**
     * The engine listens. Not in this thread: the control socket opens in another bundle's
     * component, which SCR may activate only once the engine's activation has returned.
     */
    @Override
    public void started(HastEngine started) {
        this.engine = started;
        HastConfig running = config;
        Optional<Account> user = account;
        Thread settle = new Thread(() -> settle(running, user), "hastd-settle");
        settle.setDaemon(true);
        settle.start();
    }

    /** The engine could not start (e.g. a listen address in use): the process ends with its status. */
    @Override
    public void failed(HastException problem) {
        LOG.severe(problem.getMessage());
        Handler handler = log;
        if (handler != null) {
            handler.flush();
        }
        closeQuietly(pidfile);
        throw exit(problem.status());
    }

    /** A reload: hast.conf read again, checked, and written into Configuration Admin. */
    @Override
    public void republish() throws HastException {
        Settings settings = parser.settings(options.config());
        settings.config();
        SettingsPublication.write(configurations, settings);
    }

    /**
     * Once the control socket answers, every socket of the daemon is open: drops privileges,
     * only then accepts primaries, and tells the launcher the daemon serves. A failed drop stops
     * the daemon rather than leaving it running as root against the operator's wish.
     */
    private void settle(HastConfig config, Optional<Account> account) {
        if (!awaitControlSocket(config)) {
            LOG.warning(() -> "Control socket " + config.control() + " did not answer within " + CONTROL_SOCKET_MILLIS
                    + " ms.");
        }
        // Opened while still root: the launcher's file lies in its own private folder.
        java.io.OutputStream ready = openReadyFile();
        if (account.isPresent()) {
            try {
                Privileges.drop(account.get(), kernelDevice);
            } catch (HastException e) {
                LOG.severe(e.getMessage());
                if (stopping.compareAndSet(false, true)) {
                    shutdown();
                    throw exit(e.status());
                }
                return;
            }
        }
        engine.serve();
        announceReady(ready);
    }

    private static boolean awaitControlSocket(HastConfig config) {
        long deadline = System.nanoTime() + CONTROL_SOCKET_MILLIS * 1_000_000;
        java.net.UnixDomainSocketAddress socket = java.net.UnixDomainSocketAddress.of(config.control().path());
        while (System.nanoTime() < deadline) {
            try (java.nio.channels.SocketChannel probe =
                    java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                probe.connect(socket);
                return true;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * A control socket that answers belongs to a running daemon: replacing its socket file would
     * leave that daemon unreachable, so this one refuses to start instead.
     */
    private static void refuseLiveControlSocket(HastConfig config) throws HastException {
        java.nio.file.Path socket = java.nio.file.Path.of(config.control().path());
        if (!java.nio.file.Files.exists(socket)) {
            return;
        }
        try (java.nio.channels.SocketChannel probe =
                java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            probe.connect(java.net.UnixDomainSocketAddress.of(socket));
        } catch (IOException stale) {
            return;
        }
        throw new HastException(Sysexits.EX_OSERR, "Control socket " + config.control()
                + " is in use: another hastd is running with it.");
    }

    /** The file the launcher script waits on to report a failed start, or {@code null} when there is none. */
    private static java.io.OutputStream openReadyFile() {
        String ready = System.getProperty(READY_FILE);
        if (ready == null) {
            return null;
        }
        try {
            return java.nio.file.Files.newOutputStream(java.nio.file.Path.of(ready));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Unable to write " + ready + ": " + e.getMessage());
            return null;
        }
    }

    /** Tells the launcher script that the daemon serves. */
    private static void announceReady(java.io.OutputStream ready) {
        if (ready == null) {
            return;
        }
        try (ready) {
            ready.write((ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Unable to write " + System.getProperty(READY_FILE) + ": " + e.getMessage());
        }
    }

    /** SIGHUP: the engine's reload, which asks {@link #republish} first. */
    private void reload() {
        HastEngine running = engine;
        if (running == null) {
            // The engine is still starting, from the file as it is now: there is nothing to reload yet.
            return;
        }
        new Thread(() -> {
            try {
                running.reload();
            } catch (HastException e) {
                // ResourceManager has logged why; the running configuration stays in force.
            }
        }, "hastd-reload").start();
    }

    /** A signal's clean stop: release every resource, then end the process with status 0. */
    private void stop(String why) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Thread stopper = new Thread(() -> {
            LOG.info(why);
            shutdown();
            throw exit(Sysexits.EX_OK);
        }, "hastd-stop");
        stopper.start();
    }

    /** SIGUSR1 in the background: logrotate has moved the log file away. */
    private static void reopen(LogFile file) {
        try {
            file.reopen();
            LOG.info("Log file " + file.path() + " reopened.");
        } catch (IOException e) {
            LOG.warning("Unable to reopen the log file: " + e.getMessage() + "; logging goes on to the old file.");
        }
    }

    /**
     * The framework is stopping (e.g. {@code stop 0} on the console), or the launcher went: release
     * without exiting, and take back the settings this shell published, which ends the engine's
     * component too.
     */
    @Deactivate
    void deactivate() {
        shutdown();
        SettingsPublication.withdraw(configurations);
        LogSetup.uninstall(log);
    }

    private synchronized void shutdown() {
        HastEngine running = engine;
        if (running != null) {
            running.close();
        }
        closeQuietly(pidfile);
        pidfile = null;
        Handler handler = log;
        if (handler != null) {
            handler.flush();
        }
    }

    /**
     * Ends the process with {@code status}. Halting skips the launcher's shutdown hook, whose
     * framework stop would replace our status with its own; everything that matters (providers,
     * metadata, pidfile) is released before this is called.
     */
    private static Error exit(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
        return new AssertionError("halt returned");
    }

    private static void closeQuietly(PidFile pid) {
        if (pid != null) {
            try {
                pid.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Unable to remove pidfile " + pid.path(), e);
            }
        }
    }
}
