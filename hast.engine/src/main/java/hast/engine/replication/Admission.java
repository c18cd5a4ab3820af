package hast.engine.replication;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the connections of a listener that have not authenticated yet, in all and per peer
 * address: each holds a thread and a little memory until its handshake deadline, so a peer that
 * opens many and says nothing must run out of places long before the node runs out of either.
 * A primary needs one per resource it replicates here, and only while it connects.
 */
final class Admission {
    /** Unauthenticated connections one listener holds at most. */
    static final int PER_LISTENER = 64;
    /** Unauthenticated connections from one address at most. */
    static final int PER_ADDRESS = 16;

    private final int perListener;
    private final int perAddress;
    /** Guarded by this. */
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    /** Guarded by this. */
    private int total;

    Admission(int perListener, int perAddress) {
        this.perListener = perListener;
        this.perAddress = perAddress;
    }

    /** A place taken by one connection until it authenticates or ends; releasing twice is harmless. */
    final class Place implements AutoCloseable {
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
                byAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    /** A limit is reached; the message says which. */
    static final class Full extends Exception {
        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message, null, false, false);
        }
    }

    /** A place for a new connection from {@code address}. */
    synchronized Place admit(InetAddress address) throws Full {
        if (total >= perListener) {
            throw new Full("already " + total + " connections in handshake on this listener (at most "
                    + perListener + ")");
        }
        int mine = byAddress.getOrDefault(address, 0);
        if (mine >= perAddress) {
            throw new Full("already " + mine + " connections in handshake from " + address.getHostAddress()
                    + " (at most " + perAddress + ")");
        }
        total++;
        byAddress.put(address, mine + 1);
        return new Place(address);
    }

    /** Connections holding a place now. */
    synchronized int held() {
        return total;
    }
}
