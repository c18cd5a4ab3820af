package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The mutual challenge-response that opens every connection between the nodes, before the HELLO:
 * no counter, resuid or data crosses the wire until each side has proved it knows the resource's
 * {@code shared-secret}. The primary sends a CHALLENGE (the resource, whether it has a secret,
 * its {@code auth-alg}, a random nonce); the secondary answers with a RESPONSE (its own nonce and
 * its proof); the primary checks that proof and sends its own in a PROOF frame. A proof is the
 * HMAC of its direction's label, the resource and both nonces, the other side's first: a proof
 * of one direction is never the proof of the other, so an answer reflected back (or replayed on a
 * second connection, whose nonces differ) fails. Proofs are compared in constant time.
 *
 * <p>With no secret on either side the exchange still takes place, with empty proofs; a secret on
 * one side only is refused by whichever side has it, with a message saying so.
 */
public final class Authentication {
    /** Bytes of a nonce. */
    static final int NONCE = 32;
    private static final byte[] PRIMARY = "hast primary proof".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECONDARY = "hast secondary proof".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Authentication() {
    }

    /**
     * A peer refused: {@link #code()} names why for hooks (the {@code auth-failed} event), the
     * message says it for the log, {@link #toPeer()} for the peer.
     */
    public static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final String toPeer;

        Failed(String code, String message, String toPeer) {
            super(message);
            this.code = code;
            this.toPeer = toPeer;
        }

        public String code() {
            return code;
        }

        public String toPeer() {
            return toPeer;
        }
    }

    /** The primary's opening: {@code secret} tells whether it will prove anything. */
    public record Challenge(String resource, boolean secret, String algorithm, byte[] nonce) {
        public ByteBuffer encode() {
            byte[] name = resource.getBytes(StandardCharsets.UTF_8);
            byte[] alg = algorithm.getBytes(StandardCharsets.US_ASCII);
            return ByteBuffer.allocate(2 + name.length + 1 + 1 + alg.length + 1 + nonce.length)
                    .putShort((short) name.length).put(name).put((byte) (secret ? 1 : 0)).put((byte) alg.length)
                    .put(alg).put((byte) nonce.length).put(nonce).flip();
        }

        public static Challenge decode(ByteBuffer b) throws ProtocolException {
            try {
                String name = new String(bytes(b, Short.toUnsignedInt(b.getShort())), StandardCharsets.UTF_8);
                boolean secret = flag(b.get());
                String alg = new String(bytes(b, Byte.toUnsignedInt(b.get())), StandardCharsets.US_ASCII);
                byte[] nonce = bytes(b, Byte.toUnsignedInt(b.get()));
                if (nonce.length != NONCE || b.hasRemaining()) {
                    throw new ProtocolException("nonce of " + nonce.length + " bytes, " + b.remaining() + " left over");
                }
                return new Challenge(name, secret, alg, nonce);
            } catch (RuntimeException | ProtocolException e) {
                throw new ProtocolException("malformed CHALLENGE: " + e.getMessage());
            }
        }
    }

    /** The secondary's answer: its nonce, and its proof (empty without a secret). */
    public record Response(boolean secret, byte[] nonce, byte[] proof) {
        public ByteBuffer encode() {
            return ByteBuffer.allocate(3 + nonce.length + proof.length).put((byte) (secret ? 1 : 0))
                    .put((byte) nonce.length).put(nonce).put((byte) proof.length).put(proof).flip();
        }

        public static Response decode(ByteBuffer b) throws ProtocolException {
            try {
                boolean secret = flag(b.get());
                byte[] nonce = bytes(b, Byte.toUnsignedInt(b.get()));
                byte[] proof = bytes(b, Byte.toUnsignedInt(b.get()));
                if (nonce.length != NONCE || b.hasRemaining()) {
                    throw new ProtocolException("nonce of " + nonce.length + " bytes, " + b.remaining() + " left over");
                }
                return new Response(secret, nonce, proof);
            } catch (RuntimeException | ProtocolException e) {
                throw new ProtocolException("malformed RESPONSE: " + e.getMessage());
            }
        }
    }

    /** A fresh random nonce. */
    public static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    /** The primary's challenge for {@code resource}; {@code secret} may be null. */
    public static Challenge challenge(String resource, LinkSecret secret, byte[] nonce) {
        return new Challenge(resource, secret != null,
                secret != null ? secret.algorithm() : LinkSecret.DEFAULT_ALGORITHM, nonce);
    }

    /**
     * The secondary: its answer to {@code challenge} under its own {@code secret} (null when it
     * has none), or why the primary is refused before anything more is exchanged.
     */
    public static Response respond(Challenge challenge, LinkSecret secret, byte[] nonce) throws Failed {
        if (secret == null && challenge.secret()) {
            throw new Failed("secret-on-peer-only", "the primary has a shared-secret for the resource and this node"
                    + " has none; set the same shared-secret on both nodes",
                    "No shared-secret is configured on the secondary for this resource, but one is on the primary;"
                            + " set the same shared-secret on both nodes.");
        }
        if (secret == null) {
            return new Response(false, nonce, new byte[0]);
        }
        if (!challenge.secret()) {
            throw new Failed("secret-here-only", "the primary has no shared-secret for the resource and this node"
                    + " has one; set the same shared-secret on both nodes",
                    "The secondary requires a shared-secret for this resource and none is configured on the"
                            + " primary; set the same shared-secret on both nodes.");
        }
        if (!secret.algorithm().equals(challenge.algorithm())) {
            throw new Failed("algorithm-mismatch", "auth-alg differs (primary=" + challenge.algorithm()
                    + ", secondary=" + secret.algorithm() + ")", "auth-alg differs (primary="
                    + challenge.algorithm() + ", secondary=" + secret.algorithm() + ").");
        }
        return new Response(true, nonce,
                secret.mac(SECONDARY, resource(challenge), challenge.nonce(), nonce));
    }

    /** The secondary: checks the primary's proof over its own nonce. */
    public static void verifyPrimary(Challenge challenge, LinkSecret secret, byte[] nonce, byte[] proof)
            throws Failed {
        if (secret == null) {
            return;
        }
        byte[] expected = secret.mac(PRIMARY, resource(challenge), nonce, challenge.nonce());
        if (!MessageDigest.isEqual(expected, proof)) {
            throw new Failed("wrong-secret", "the primary's proof does not match: a different shared-secret",
                    "Authentication failed: the shared-secret differs between the nodes.");
        }
    }

    /**
     * The primary: checks the secondary's {@code response} to its challenge and returns its own
     * proof (empty without a secret).
     */
    public static byte[] prove(Challenge challenge, LinkSecret secret, Response response) throws Failed {
        if (secret == null) {
            if (response.secret()) {
                throw new Failed("secret-on-peer-only", "the secondary has a shared-secret for the resource and"
                        + " this node has none; set the same shared-secret on both nodes", "");
            }
            return new byte[0];
        }
        if (!response.secret()) {
            throw new Failed("secret-here-only", "the secondary proves no shared-secret and this node has one"
                    + " for the resource; set the same shared-secret on both nodes (or this is not the secondary)",
                    "");
        }
        byte[] expected = secret.mac(SECONDARY, resource(challenge), challenge.nonce(), response.nonce());
        if (!MessageDigest.isEqual(expected, response.proof())) {
            throw new Failed("wrong-secret", "the secondary's proof does not match: a different shared-secret"
                    + " (or not the secondary)", "");
        }
        return secret.mac(PRIMARY, resource(challenge), response.nonce(), challenge.nonce());
    }

    private static byte[] resource(Challenge c) {
        return c.resource().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static boolean flag(byte b) throws ProtocolException {
        if (b != 0 && b != 1) {
            throw new ProtocolException("flag " + b);
        }
        return b == 1;
    }
}
