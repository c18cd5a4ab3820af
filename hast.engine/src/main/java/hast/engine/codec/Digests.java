package hast.engine.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import hast.api.codec.Checksum;

/**
 * Digests of stored data, for comparing both copies of a resource ({@code hastctl verify}): with
 * the resource's checksum, or SHA-256 from the JDK when that is {@code none}, since a comparison
 * without any digest would send all the data. Both nodes apply the same rule to the same name.
 */
public final class Digests {
    private Digests() {
    }

    /**
     * Digests the remaining bytes of {@code data} without moving its position.
     *
     * @param checksum a checksum name from hast.conf
     * @throws IOException when that checksum is not available on this node
     */
    public static byte[] digest(Codecs codecs, String checksum, ByteBuffer data) throws IOException {
        if (Codecs.NONE.equals(checksum)) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(data.duplicate());
                return sha256.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
        Checksum c = codecs.checksum(checksum);
        if (c == null) {
            throw new IOException("checksum " + checksum + " is not available on this node");
        }
        return c.digest(data);
    }
}
