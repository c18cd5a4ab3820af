package hast.shell.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.NodeAdmin;
import hast.shell.control.ControlProtocol;
import hast.shell.ctl.Hastctl;

/**
 * The command-line hastctl, run on a plain class path without a framework so that it answers
 * at once. create, dump and help run here, on the local providers; role, list, status and reload
 * are sent to hastd's control socket and run there.
 */
public final class HastctlClient {
    private final NodeAdmin admin;
    private final Hastctl local;

    HastctlClient(NodeAdmin admin) {
        this.admin = admin;
        this.local = new Hastctl(Optional::empty, admin, Hastctl.DEFAULT_CONFIG);
    }

    public static void main(String[] args) {
        int status;
        try {
            status = new HastctlClient(findAdmin()).run(List.of(args), System.out, System.err);
        } catch (HastException e) {
            System.err.println(e.getMessage());
            status = e.status();
        }
        System.out.flush();
        System.exit(status);
    }

    /** The engine's NodeAdmin, which hast.engine.jar registers for {@link ServiceLoader}. */
    static NodeAdmin findAdmin() throws HastException {
        try {
            return ServiceLoader.load(NodeAdmin.class).findFirst().orElseThrow(() -> new HastException(
                    Sysexits.EX_UNAVAILABLE, "hastctl: no " + NodeAdmin.class.getName()
                            + " on the class path; is hast.engine.jar missing?"));
        } catch (ServiceConfigurationError e) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "hastctl: the NodeAdmin on the class path cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    /** Runs one command line, here or in the daemon; returns the exit status. */
    int run(List<String> args, PrintStream out, PrintStream err) {
        Optional<Path> config = local.daemonConfig(args);
        if (config.isEmpty()) {
            return local.run(args, out, err);
        }
        try {
            ControlProtocol.Reply reply = ask(admin.controlAddress(config.get()), args);
            out.write(reply.out(), 0, reply.out().length);
            out.flush();
            err.write(reply.err(), 0, reply.err().length);
            err.flush();
            return reply.status();
        } catch (HastException e) {
            err.println(e.getMessage());
            return e.status();
        }
    }

    private static ControlProtocol.Reply ask(HastAddress control, List<String> args) throws HastException {
        ByteBuffer request;
        try {
            request = ControlProtocol.request(args);
        } catch (IllegalArgumentException e) {
            throw new HastException(Sysexits.EX_USAGE, "hastctl: " + e.getMessage() + ".");
        }
        if (control.scheme() != HastAddress.Scheme.UDS) {
            throw new HastException(Sysexits.EX_OSERR, "Unable to connect to hastd via " + control
                    + ": only Unix-domain control sockets (uds:///path) are supported.");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(control.path()));
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_OSERR, "Unable to connect to hastd via " + control + ": "
                        + e.getMessage(), e);
            }
            try {
                ControlProtocol.writeFully(ch, request);
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_UNAVAILABLE, "Unable to send command to hastd via " + control
                        + ": " + e.getMessage(), e);
            }
            return ControlProtocol.readReply(ch);
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "Cannot receive reply from hastd via " + control
                    + ": " + e.getMessage(), e);
        }
    }
}
