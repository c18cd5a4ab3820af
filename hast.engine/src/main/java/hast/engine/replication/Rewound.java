package hast.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;

import hast.api.transport.Connection;
import hast.api.transport.ForwardingConnection;

/**
 * A connection whose first bytes were read already (to tell TLS from a plain frame, or to find
 * what a peer that should have spoken TLS said instead): reads give those bytes back first, then
 * continue on the connection. Everything else is the connection's.
 */
final class Rewound extends ForwardingConnection {
    /** Guarded by the reader (one at a time, as the contract says). */
    private final ByteBuffer read;

    Rewound(Connection c, ByteBuffer read) {
        super(c);
        this.read = read;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!read.hasRemaining()) {
            return c.read(dst);
        }
        int n = Math.min(dst.remaining(), read.remaining());
        dst.put(read.slice().limit(n));
        read.position(read.position() + n);
        return n;
    }
}
