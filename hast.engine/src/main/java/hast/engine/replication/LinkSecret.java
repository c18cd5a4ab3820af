package hast.engine.replication;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A resource's {@code shared-secret} and the HMAC ({@code auth-alg}) that proves knowledge of it.
 * The secret never leaves this object: {@link #toString()} names the algorithm only, so that a
 * configuration logged or dumped shows no secret.
 */
public final class LinkSecret {
    /** The {@code auth-alg} when none is configured. */
    public static final String DEFAULT_ALGORITHM = "hmac-sha256";
    /** {@code auth-alg} names and their JCE algorithms. */
    private static final Map<String, String> ALGORITHMS = Map.of("hmac-sha256", "HmacSHA256", "hmac-sha384",
            "HmacSHA384", "hmac-sha512", "HmacSHA512");

    private final byte[] key;
    private final String algorithm;

    private LinkSecret(byte[] key, String algorithm) {
        this.key = key;
        this.algorithm = algorithm;
    }

    /**
     * @throws IllegalArgumentException when {@code algorithm} is not an {@code auth-alg} name, or
     *                                  the secret is empty
     */
    public static LinkSecret of(String secret, String algorithm) {
        if (!isAlgorithm(algorithm)) {
            throw new IllegalArgumentException("unknown auth-alg '" + algorithm + "' (expected one of "
                    + String.join(", ", ALGORITHMS.keySet().stream().sorted().toList()) + ")");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("empty shared-secret");
        }
        return new LinkSecret(secret.getBytes(StandardCharsets.UTF_8), algorithm);
    }

    /** Whether {@code name} is an {@code auth-alg} this node knows. */
    public static boolean isAlgorithm(String name) {
        return ALGORITHMS.containsKey(name);
    }

    /** The {@code auth-alg} name. */
    public String algorithm() {
        return algorithm;
    }

    /** The HMAC of the parts, each preceded by its length so that no two lists of parts collide. */
    byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHMS.get(algorithm));
            mac.init(new SecretKeySpec(key, mac.getAlgorithm()));
            for (byte[] p : parts) {
                mac.update(new byte[] {(byte) (p.length >>> 8), (byte) p.length});
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            // Every JDK provides the HMACs of ALGORITHMS.
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkSecret other && algorithm.equals(other.algorithm)
                && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, Arrays.hashCode(key));
    }

    @Override
    public String toString() {
        return "shared-secret (" + algorithm + ")";
    }
}
