package hast.engine.daemon;

import java.nio.file.Path;
import java.util.List;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.cli.Getopt;

/**
 * The hastd command line: {@code hastd [-dFht] [-c config] [-P pidfile] [-u user]}.
 *
 * @param config     the configuration file, made absolute so a reload finds it whatever the working directory
 * @param debug      how many times {@code -d} was given
 * @param foreground {@code -F}: stay attached to the terminal and log to stderr
 * @param pidfile    {@code -P}: overrides the configuration's pidfile; {@code null} when not given
 * @param help       {@code -h} or {@code --help}
 * @param check      {@code -t}: check the configuration and exit, as {@code hastctl check} does
 * @param user       {@code -u}: the user to run as once the sockets are open (overrides 'user' in the
 *                   configuration); {@code null} when not given
 */
public record DaemonOptions(Path config, int debug, boolean foreground, Path pidfile, boolean help, boolean check,
        String user) {
    static final String DEFAULT_CONFIG = "/etc/hast.conf";
    static final String USAGE = "usage: hastd [-dFht] [-c config] [-P pidfile] [-u user]";
    static final String HELP = USAGE + "\n"
            + "\n"
            + "hastd keeps block devices replicated between two nodes (HAST). It reads its\n"
            + "resources from the configuration file and waits for 'hastctl role' to make each\n"
            + "one primary (served over NBD and replicated) or secondary (receiving updates).\n"
            + "\n"
            + "  -c config   configuration file (default " + DEFAULT_CONFIG + ")\n"
            + "  -d          log more; give twice for debugging detail\n"
            + "  -F          stay in the foreground and log to standard error; with a terminal\n"
            + "              on standard input, the OSGi (Gogo) console is offered there\n"
            + "  -P pidfile  write the process id here (overrides 'pidfile' in the configuration);\n"
            + "              in the background a pidfile is always written\n"
            + "  -u user     once its sockets are open, run as this user (overrides 'user' in the\n"
            + "              configuration; default: hast when that user exists; root: stay root)\n"
            + "  -t          check the configuration for this node and the nodes its resources\n"
            + "              name, then exit (0 valid, 78 invalid, 72 unreadable); no disk is opened\n"
            + "  -h, --help  this text\n"
            + "\n"
            + "Signals: SIGHUP reloads the configuration, SIGTERM and SIGINT stop cleanly\n"
            + "(in-flight writes finish and metadata is flushed). Exit status: 0 after a clean\n"
            + "stop, 64 for bad usage, 72 when the configuration cannot be read, 78 when it is\n"
            + "invalid, 75 when another hastd holds the pidfile, 71 when a socket cannot be opened.\n"
            + "\n"
            + "Environment: HASTD_BUNDLES names a folder of OSGi bundles (e.g. hook bundles):\n"
            + "a jar dropped there is installed into the running daemon, updated when the file\n"
            + "is replaced and uninstalled when it is deleted (checked every second); without\n"
            + "it no bundle is installed at run time. HASTD_LOG is the log file in the\n"
            + "background (default /var/log/hastd.log), HAST_NODE this node's name in hast.conf.\n"
            + "\n"
            + "hastctl reaches the daemon through the configuration's control socket, which\n"
            + "serves only its owner and root (mode 0600, and each peer's credentials checked):\n"
            + "role, list and status (with --json), events to follow what happens, verify to\n"
            + "compare both nodes' copies. Manual pages: hastd(8), hastctl(8), hast.conf(5).\n";

    /** The options {@link #parse} takes (DaemonOptionsTest proves it): what hastd(8) documents. */
    public static List<String> options() {
        return List.of("-c", "-d", "-F", "-h", "--help", "-P", "-t", "-u");
    }

    /**
     * Parses getopt-style arguments (flags may be grouped, e.g. {@code -dF}, and an option's value
     * may be attached, e.g. {@code -c/etc/hast.conf}).
     *
     * @throws HastException with {@link Sysexits#EX_USAGE} and a message naming the bad argument
     */
    static DaemonOptions parse(List<String> args) throws HastException {
        var seen = new Object() {
            String config = DEFAULT_CONFIG;
            String pidfile;
            String user;
            int debug;
            boolean foreground;
            boolean help;
            boolean check;
        };
        try {
            Getopt.read(args, flag -> flag == 'c' || flag == 'P' || flag == 'u', token -> {
                if (token instanceof Getopt.Flag f) {
                    switch (f.name()) {
                        case 'd' -> seen.debug++;
                        case 'F' -> seen.foreground = true;
                        case 'h' -> seen.help = true;
                        case 't' -> seen.check = true;
                        case 'c' -> seen.config = f.value();
                        case 'P' -> seen.pidfile = f.value();
                        case 'u' -> seen.user = f.value();
                        default -> throw usage("unknown option -" + f.name());
                    }
                } else if (token instanceof Getopt.LongOption o && o.name().equals("help")) {
                    seen.help = true;
                } else {
                    throw usage("unexpected argument '" + (token instanceof Getopt.Operand o ? o.text()
                            : "--" + ((Getopt.LongOption) token).name()) + "'");
                }
            });
        } catch (Getopt.MissingValue e) {
            throw usage("option -" + e.flag() + (e.flag() == 'u' ? " needs a user name" : " needs a file name"));
        }
        return new DaemonOptions(Path.of(seen.config).toAbsolutePath().normalize(), seen.debug, seen.foreground,
                seen.pidfile == null ? null : Path.of(seen.pidfile).toAbsolutePath().normalize(), seen.help, seen.check,
                seen.user);
    }

    private static HastException usage(String problem) {
        return new HastException(Sysexits.EX_USAGE, "hastd: " + problem + "\n" + USAGE);
    }
}
