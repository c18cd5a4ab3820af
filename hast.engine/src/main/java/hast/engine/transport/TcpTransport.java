package hast.engine.transport;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import hast.api.HastAddress.Scheme;
import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.HastTransportScheme;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

import org.osgi.service.component.annotations.Component;

/**
 * TCP for {@code tcp4://}, {@code tcp6://} and {@code tcp://} addresses. Every socket has
 * TCP_NODELAY (requests are latency-bound); listeners reuse the address so a restarted daemon can
 * bind at once.
 */
@Component
@HastTransportScheme({"tcp", "tcp4", "tcp6"})
public final class TcpTransport implements Transport {
    private static final int BACKLOG = 64;

    @Override
    public Listener listen(HastAddress address) throws IOException {
        InetSocketAddress local = resolve(address);
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(local, BACKLOG);
        } catch (IOException e) {
            server.close();
            throw new IOException("Unable to listen on " + address + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
        return new ChannelListener(server, address.withPort(bound.getPort()), null, TcpTransport::peerName);
    }

    @Override
    public Connection connect(HastAddress remote, HastAddress source, Duration timeout) throws IOException {
        InetSocketAddress target = resolve(remote);
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source != null) {
                channel.bind(resolve(source));
            }
            // The socket adaptor gives a connect with a timeout; the connection itself uses the channel.
            channel.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new ChannelConnection(channel, "tcp://" + hostPort(target));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static String peerName(SocketChannel accepted) throws IOException {
        accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return "tcp://" + hostPort((InetSocketAddress) accepted.getRemoteAddress());
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Resolves the host of a TCP address within the family its scheme allows; the first answer wins. */
    static InetSocketAddress resolve(HastAddress address) throws IOException {
        if (address.scheme() == Scheme.UDS) {
            throw new IllegalArgumentException("Not a TCP address: " + address);
        }
        InetAddress[] candidates;
        try {
            candidates = InetAddress.getAllByName(address.host());
        } catch (UnknownHostException e) {
            throw new UnknownHostException("Unable to resolve " + address.host() + " in address " + address);
        }
        for (InetAddress candidate : candidates) {
            boolean fits = switch (address.scheme()) {
                case TCP4 -> candidate instanceof Inet4Address;
                case TCP6 -> candidate instanceof Inet6Address;
                default -> true;
            };
            if (fits) {
                return new InetSocketAddress(candidate, address.port());
            }
        }
        throw new UnknownHostException("No " + address.scheme().label() + " address for " + address.host()
                + " in address " + address);
    }
}
