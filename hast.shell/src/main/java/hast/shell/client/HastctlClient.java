package hast.shell.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.NodeAdmin;
import hast.shell.control.ControlProtocol;
import hast.shell.ctl.Hastctl;

/**
 * The command-line hastctl, run on a plain class path without a framework so that it answers
 * at once. {@code create}, {@code dump} and help run here, on the local providers; every other
 * subcommand is sent to hastd's control socket and runs there.
 */
public final class HastctlClient {
    private static final Path DEFAULT_CONFIG = Path.of("/etc/hast.conf");
    private static final List<String> LOCAL = List.of("create", "dump", "help");
    private static final List<String> SUBCOMMANDS = List.of("create", "role", "list", "status", "dump", "reload", "help");

    private final NodeAdmin admin;

    HastctlClient(NodeAdmin admin) {
        this.admin = admin;
    }

    public static void main(String[] args) {
        NodeAdmin admin = ServiceLoader.load(NodeAdmin.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("hast.engine.jar is not on the class path"));
        int status = new HastctlClient(admin).run(List.of(args), System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    int run(List<String> args, PrintStream out, PrintStream err) {
        Hastctl local = new Hastctl(Optional::empty, admin, DEFAULT_CONFIG);
        boolean help = args.contains("-h") || args.contains("--help");
        Optional<String> subcommand = args.stream().filter(SUBCOMMANDS::contains).findFirst();
        if (help || subcommand.isEmpty() || LOCAL.contains(subcommand.get())) {
            return local.run(args, out, err);
        }
        HastAddress control;
        try {
            control = admin.controlAddress(config(args));
        } catch (HastException e) {
            err.println(e.getMessage());
            return e.status();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(control.path()));
            } catch (IOException e) {
                err.println("Unable to connect to hastd via " + control + ": " + e.getMessage());
                return Sysexits.EX_OSERR;
            }
            ControlProtocol.writeRequest(ch, args);
            ControlProtocol.Reply reply = ControlProtocol.readReply(ch);
            out.write(reply.out());
            err.write(reply.err());
            return reply.status();
        } catch (IOException e) {
            err.println("Lost hastd's answer via " + control + ": " + e.getMessage());
            return Sysexits.EX_UNAVAILABLE;
        }
    }

    /** The value of -c wherever it stands (attached or separate), else the default. */
    private static Path config(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-c") && i + 1 < args.size()) {
                return Path.of(args.get(i + 1));
            }
            if (a.startsWith("-c") && a.length() > 2) {
                return Path.of(a.substring(2));
            }
        }
        return DEFAULT_CONFIG;
    }
}
