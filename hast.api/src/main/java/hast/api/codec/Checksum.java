package hast.api.codec;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/** A checksum over replicated data, registered as a service under its {@link #NAME}. */
@ConsumerType
public interface Checksum {
    /** Service property (String): the algorithm name used in hast.conf and on the wire, e.g. {@code crc32}. */
    String NAME = "hast.checksum";

    /** Length of a digest in bytes. */
    int length();

    /** Digests the remaining bytes of {@code data} without moving its position. */
    byte[] digest(ByteBuffer data);
}
