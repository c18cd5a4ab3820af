package hast.api;

import java.util.Locale;
import java.util.Objects;

/**
 * An address as written in hast.conf: {@code tcp4://host[:port]}, {@code tcp6://[addr][:port]},
 * {@code tcp://host[:port]} or a bare {@code host[:port]} for TCP, and {@code uds:///path},
 * {@code unix:///path} or a bare absolute path for a Unix-domain socket.
 *
 * <p>Parsing checks the syntax only; host names are resolved by the transport that uses the address.
 */
public final class HastAddress {
    /** The port used by TCP addresses that name none (the reference's default). */
    public static final int DEFAULT_PORT = 8457;

    /** The transport family an address belongs to; its name is the scheme transports register under. */
    public enum Scheme {
        TCP4, TCP6, TCP, UDS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Scheme scheme;
    private final String host;
    private final int port;
    private final String path;

    private HastAddress(Scheme scheme, String host, int port, String path) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** Parses {@code text}; TCP addresses without a port get {@link #DEFAULT_PORT}. */
    public static HastAddress parse(String text) {
        return parse(text, DEFAULT_PORT);
    }

    /**
     * Parses {@code text}, giving TCP addresses without a port {@code defaultPort}.
     *
     * @throws IllegalArgumentException naming the address and what is wrong with it
     */
    public static HastAddress parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "address");
        String lower = text.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"uds://", "unix://"}) {
            if (lower.startsWith(prefix)) {
                return uds(text, text.substring(prefix.length()));
            }
        }
        if (text.startsWith("/") && !text.contains("://")) {
            return uds(text, text);
        }
        Scheme scheme = Scheme.TCP;
        String rest = text;
        for (Scheme s : new Scheme[] {Scheme.TCP4, Scheme.TCP6, Scheme.TCP}) {
            String prefix = s.label() + "://";
            if (lower.startsWith(prefix)) {
                scheme = s;
                rest = text.substring(prefix.length());
                break;
            }
        }
        if (rest.contains("://")) {
            throw new IllegalArgumentException("Unknown address scheme in '" + text + "' (expected tcp4://, tcp6://, tcp://, uds:// or unix://)");
        }
        String host = rest;
        int port = defaultPort;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("Unclosed '[' in address '" + text + "'");
            }
            host = rest.substring(1, close);
            String tail = rest.substring(close + 1);
            if (!tail.isEmpty()) {
                if (!tail.startsWith(":")) {
                    throw new IllegalArgumentException("Unexpected '" + tail + "' after ']' in address '" + text + "'");
                }
                port = parsePort(text, tail.substring(1));
            }
        } else {
            int colon = rest.indexOf(':');
            // More than one colon without brackets is a bare IPv6 literal: it carries no port.
            if (colon >= 0 && colon == rest.lastIndexOf(':')) {
                host = rest.substring(0, colon);
                port = parsePort(text, rest.substring(colon + 1));
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("No host in address '" + text + "'");
        }
        return new HastAddress(scheme, host, port, null);
    }

    private static HastAddress uds(String text, String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Unix socket address '" + text + "' must name an absolute path");
        }
        return new HastAddress(Scheme.UDS, null, 0, path);
    }

    private static int parsePort(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 0 && p <= 65535 && !port.startsWith("+")) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid port '" + port + "' in address '" + text + "' (expected 0 to 65535)");
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The host name or numeric address; {@code null} for a Unix-domain socket. */
    public String host() {
        return host;
    }

    /** The TCP port; 0 for a Unix-domain socket (or, when listening, "any free port"). */
    public int port() {
        return port;
    }

    /** The socket path of a Unix-domain address; {@code null} for TCP. */
    public String path() {
        return path;
    }

    /** The same host and scheme with another port, e.g. the one a listener was given by the kernel. */
    public HastAddress withPort(int newPort) {
        if (scheme == Scheme.UDS) {
            throw new IllegalStateException("A Unix-domain address has no port: " + this);
        }
        return new HastAddress(scheme, host, newPort, null);
    }

    /** The canonical form: {@code uds:///path} or {@code scheme://host:port}, IPv6 hosts in brackets. */
    @Override
    public String toString() {
        if (scheme == Scheme.UDS) {
            return "uds://" + path;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme.label() + "://" + h + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HastAddress && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
