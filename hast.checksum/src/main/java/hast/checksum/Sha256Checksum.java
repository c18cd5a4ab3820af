package hast.checksum;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import hast.api.codec.Checksum;
import hast.api.codec.HastChecksum;

import org.osgi.service.component.annotations.Component;

/** sha256: the 32-byte SHA-256 digest. */
@Component
@HastChecksum("sha256")
public final class Sha256Checksum implements Checksum {
    private static final String ALGORITHM = "SHA-256";

    /** Never updated: each digest works on its own clone, which skips the provider look-up. */
    private final MessageDigest prototype;

    public Sha256Checksum() {
        try {
            prototype = MessageDigest.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide " + ALGORITHM, e);
        }
    }

    @Override
    public int length() {
        return prototype.getDigestLength();
    }

    @Override
    public byte[] digest(ByteBuffer data) {
        MessageDigest sha = fresh();
        sha.update(data.duplicate());
        return sha.digest();
    }

    private MessageDigest fresh() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // The JDK's own implementation is cloneable; a provider that is not still works, slower.
            try {
                return MessageDigest.getInstance(ALGORITHM, prototype.getProvider());
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
