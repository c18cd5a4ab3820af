package hast.api.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A connected, blocking byte stream. Reads and writes may be issued by different threads
 * (one reader and one writer at a time).
 *
 * <p>Transport bundles implement it, so it is a consumer type: a method added later comes with a
 * default, and a transport built against an older minor version keeps working.
 */
@ConsumerType
public interface Connection extends ByteChannel {

    /** The peer, printable (e.g. {@code tcp://127.0.0.1:40512}, or {@code uds:///run/x.sock}). */
    String peer();

    /** The peer's numeric IP address, or {@code null} for a Unix-domain socket. */
    java.net.InetAddress peerAddress();

    /**
     * Sets how long a single read may wait for data before failing with
     * {@link java.net.SocketTimeoutException}; {@link Duration#ZERO} waits forever.
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes or fails with {@link java.io.EOFException}. */
    default void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new java.io.EOFException("Connection closed by " + peer());
            }
        }
    }

    /**
     * Writes as much of {@code src} as the connection takes at once, without waiting for the peer
     * to read; returns the bytes written, possibly 0. Lets a thread that must never stall on a
     * slow peer answer directly when the connection has room. The default may wait.
     */
    default int writeAvailable(ByteBuffer src) throws IOException {
        return write(src);
    }

    /** Writes all of {@code src}. */
    default void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            write(src);
        }
    }
}
