package hast.engine.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import hast.api.HastAddress.Scheme;
import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.HastTransportScheme;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

import org.osgi.service.component.annotations.Component;

/**
 * Unix-domain sockets for {@code uds://} addresses. A listener replaces a stale socket file, and
 * its file is readable and writable by the owner only, in a directory no one else may write to
 * ({@link SocketDirectory}): whoever can connect can drive the disk.
 */
@Component
@HastTransportScheme("uds")
public final class UdsTransport implements Transport {

    @Override
    public Listener listen(HastAddress address) throws IOException {
        Path file = socketFile(address);
        SocketDirectory.prepare(file, SocketDirectory.currentUser());
        Files.deleteIfExists(file);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(file));
            SocketDirectory.restrict(file);
        } catch (IOException e) {
            server.close();
            throw new IOException("Unable to listen on " + address + ": " + e.getMessage(), e);
        }
        return new ChannelListener(server, address, file, accepted -> address.toString());
    }

    @Override
    public Connection connect(HastAddress remote, HastAddress source, Duration timeout) throws IOException {
        // A local connect either succeeds or fails at once, so the timeout has nothing to bound.
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketFile(remote)));
            return new ChannelConnection(channel, remote.toString());
        } catch (IOException e) {
            channel.close();
            throw new IOException("Unable to connect to " + remote + ": " + e.getMessage(), e);
        }
    }

    private static Path socketFile(HastAddress address) {
        if (address.scheme() != Scheme.UDS) {
            throw new IllegalArgumentException("Not a Unix-domain address: " + address);
        }
        return Path.of(address.path());
    }
}
