package hast.shell.control;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

import hast.api.HastAddress;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The listening end of the control socket. Whoever can connect can switch roles and so drive the
 * disks, which is why the file is the owner's only, and why each connection's peer is checked
 * too (a mode changed by hand, or a descriptor handed on, would otherwise let anyone in): only
 * the socket file's owner and root may talk to it. A file left behind by a daemon that died is
 * replaced; a socket that still answers, or a file that is no socket, is left alone.
 */
final class ControlSocket implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final HastAddress address;
    private final Path file;
    private final ServerSocketChannel channel;
    /** Who created the socket file: the daemon's user. */
    private UserPrincipal owner;

    private ControlSocket(HastAddress address, Path file, ServerSocketChannel channel) {
        this.address = address;
        this.file = file;
        this.channel = channel;
    }

    /**
     * Binds {@code address} (which must be a {@code uds://} address) with mode 0600.
     *
     * @throws IOException naming the address and why it cannot be used
     */
    static ControlSocket bind(HastAddress address) throws IOException {
        if (address.scheme() != HastAddress.Scheme.UDS) {
            throw new IOException("Control address " + address + " is not a Unix-domain socket (uds:///path)");
        }
        Path file = Path.of(address.path());
        removeStale(address, file);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(file));
        } catch (IOException e) {
            channel.close();
            throw new IOException("Unable to listen on control socket " + address + ": " + e.getMessage(), e);
        }
        ControlSocket socket = new ControlSocket(address, file, channel);
        try {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            socket.owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            socket.close();
            throw new IOException("Unable to make control socket " + address + " private (mode 0600): "
                    + e.getMessage(), e);
        }
        return socket;
    }

    private static void removeStale(HastAddress address, Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("Control socket path " + file + " holds a "
                    + (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? "directory" : "regular file")
                    + ", not a socket: refusing to replace it");
        }
        if (answers(file)) {
            throw new IOException("Control socket " + address + " is in use: another hastd is running with it.");
        }
        Files.deleteIfExists(file);
    }

    private static boolean answers(Path file) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(file));
            return true;
        } catch (IOException stale) {
            return false;
        }
    }

    HastAddress address() {
        return address;
    }

    /** Waits for the next client; fails with an {@link java.nio.channels.AsynchronousCloseException} once closed. */
    SocketChannel accept() throws IOException {
        return channel.accept();
    }

    /**
     * Why {@code client} may not use the socket, or empty when it may: its peer is the socket's
     * owner or root.
     *
     * @throws IOException when the peer's credentials cannot be read
     */
    Optional<String> refusal(SocketChannel client) throws IOException {
        UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        UserPrincipal user = peer.user();
        if (user.equals(owner) || user.getName().equals("root")) {
            return Optional.empty();
        }
        return Optional.of("hastd: the control socket " + address + " is for its owner (" + owner.getName()
                + ") and root only; user " + user.getName() + " may not use it.");
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
