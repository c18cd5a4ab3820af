package hast.api.codec;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A compression algorithm for replicated data, registered as a service under its {@link #NAME}.
 * A frame records the name of the compressor that produced it, so the receiver needs no
 * matching configuration.
 */
@ConsumerType
public interface Compressor {
    /** Service property (String): the algorithm name used in hast.conf and on the wire, e.g. {@code lzf}. */
    String NAME = "hast.compression";

    /**
     * Compresses the remaining bytes of {@code src} without moving its position.
     *
     * @return the compressed bytes, or {@code null} when compression would not pay off and the
     *         data should travel as it is
     */
    ByteBuffer compress(ByteBuffer src);

    /**
     * Restores {@code originalLength} bytes from the remaining bytes of {@code src}.
     *
     * @throws IOException when {@code src} is not a valid encoding of that many bytes
     */
    ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException;
}
