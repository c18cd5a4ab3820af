package hast.api.guard;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the connections of a listener that are not trusted yet, in all and per peer address:
 * each holds a thread and a little memory until its handshake deadline, so a peer that opens many
 * and says nothing must run out of places long before the node runs out of either. A connection
 * without an address (a Unix-domain socket) counts against the listener's limit only.
 */
public final class Admission {
    /** Untrusted connections one listener holds at most, by default. */
    public static final int PER_LISTENER = 64;
    /** Untrusted connections from one address at most, by default. */
    public static final int PER_ADDRESS = 16;

    private final int perListener;
    private final int perAddress;
    /** Guarded by this. */
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    /** Guarded by this. */
    private int total;

    public Admission(int perListener, int perAddress) {
        this.perListener = perListener;
        this.perAddress = perAddress;
    }

    /** A place taken by one connection until it is trusted or ends; releasing twice is harmless. */
    public final class Place implements AutoCloseable {
        private final InetAddress address;
        private boolean released;

        private Place(InetAddress address) {
            this.address = address;
        }

        @Override
        public void close() {
            synchronized (Admission.this) {
                if (released) {
                    return;
                }
                released = true;
                total--;
                if (address != null) {
                    byAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
                }
            }
        }
    }

    /** A limit is reached; the message says which. */
    public static final class Full extends Exception {
        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A place for a new connection from {@code address} ({@code null} for a Unix-domain socket).
     *
     * @param what how the message names the connections counted, e.g. "connections in handshake"
     */
    public synchronized Place admit(InetAddress address, String what) throws Full {
        if (total >= perListener) {
            throw new Full("already " + total + " " + what + " on this listener (at most " + perListener + ")");
        }
        int mine = address == null ? 0 : byAddress.getOrDefault(address, 0);
        if (address != null && mine >= perAddress) {
            throw new Full("already " + mine + " " + what + " from " + address.getHostAddress() + " (at most "
                    + perAddress + ")");
        }
        total++;
        if (address != null) {
            byAddress.put(address, mine + 1);
        }
        return new Place(address);
    }
}
