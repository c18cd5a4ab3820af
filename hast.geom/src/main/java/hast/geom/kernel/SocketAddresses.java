package hast.geom.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import hast.api.HastAddress;

/** hast.conf addresses as the C library's socket addresses: sockaddr_in, sockaddr_in6, sockaddr_un. */
final class SocketAddresses {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** sun_path's size in sockaddr_un. */
    private static final int UNIX_PATH = 108;

    /** A socket address, with the family to create its socket in. */
    record Native(int family, byte[] bytes) {
    }

    private SocketAddresses() {
    }

    /** The address to connect to; a host name is resolved here, as the JDK's transports do. */
    static Native of(HastAddress address) throws IOException {
        if (address.scheme() == HastAddress.Scheme.UDS) {
            byte[] path = address.path().getBytes(StandardCharsets.UTF_8);
            if (path.length >= UNIX_PATH) {
                throw new IOException("Socket path " + address.path() + " is longer than " + (UNIX_PATH - 1) + " bytes");
            }
            // sun_family is in host order; the path is NUL-terminated.
            ByteBuffer b = ByteBuffer.allocate(2 + path.length + 1).order(ByteOrder.nativeOrder());
            return new Native(AF_UNIX, b.putShort((short) AF_UNIX).put(path).array());
        }
        InetAddress ip = InetAddress.getByName(address.host());
        if (ip instanceof Inet4Address) {
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putShort((short) AF_INET);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) address.port()).put(ip.getAddress());
            return new Native(AF_INET, b.array());
        }
        if (ip instanceof Inet6Address v6) {
            ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder()).putShort((short) AF_INET6);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) address.port()).putInt(0).put(ip.getAddress());
            b.order(ByteOrder.nativeOrder()).putInt(v6.getScopeId());
            return new Native(AF_INET6, b.array());
        }
        throw new IOException("Unsupported address " + address);
    }
}
