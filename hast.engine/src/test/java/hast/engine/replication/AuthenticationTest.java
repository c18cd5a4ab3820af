package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** Both sides of the challenge-response, as pure functions: every way a peer is refused, and the format pinned. */
class AuthenticationTest {
    private static final LinkSecret SECRET = LinkSecret.of("correct-horse-battery", "hmac-sha256");
    private static final LinkSecret OTHER = LinkSecret.of("correct-horse-staple", "hmac-sha256");

    private static byte[] filled(int value) {
        byte[] b = new byte[Authentication.NONCE];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void theSameSecretOnBothSidesAuthenticatesBothWays() throws Exception {
        Authentication.Challenge ch = Authentication.challenge("r0", SECRET, Authentication.nonce());
        Authentication.Response r = Authentication.respond(ch, SECRET, Authentication.nonce());
        byte[] proof = Authentication.prove(ch, SECRET, r);
        Authentication.verifyPrimary(ch, SECRET, r.nonce(), proof);
        assertEquals(32, proof.length, "an HMAC-SHA256");
    }

    @Test
    void aDifferentSecretFailsOnWhicheverSideChecksFirst() throws Exception {
        Authentication.Challenge ch = Authentication.challenge("r0", OTHER, Authentication.nonce());
        Authentication.Response r = Authentication.respond(ch, SECRET, Authentication.nonce());
        assertEquals("wrong-secret", assertThrows(Authentication.Failed.class,
                () -> Authentication.prove(ch, OTHER, r)).code(), "the primary checks the secondary's proof");
        // A primary that sends a proof under its own, different secret anyway.
        Authentication.Response mine = Authentication.respond(ch, OTHER, r.nonce());
        byte[] proof = Authentication.prove(ch, OTHER, mine);
        assertEquals("wrong-secret", assertThrows(Authentication.Failed.class,
                () -> Authentication.verifyPrimary(ch, SECRET, r.nonce(), proof)).code());
        assertThrows(Authentication.Failed.class,
                () -> Authentication.verifyPrimary(ch, SECRET, r.nonce(), new byte[0]), "an empty proof");
    }

    @Test
    void aReflectedAnswerFails() throws Exception {
        Authentication.Challenge ch = Authentication.challenge("r0", SECRET, Authentication.nonce());
        Authentication.Response r = Authentication.respond(ch, SECRET, Authentication.nonce());
        // The secondary's own proof sent back as the primary's.
        assertThrows(Authentication.Failed.class, () -> Authentication.verifyPrimary(ch, SECRET, r.nonce(), r.proof()));
        // A second connection whose challenge is the first one's nonce: its answer proves the
        // other direction, over other nonces.
        Authentication.Challenge mirror = new Authentication.Challenge("r0", true, "hmac-sha256", r.nonce());
        Authentication.Response second = Authentication.respond(mirror, SECRET, Authentication.nonce());
        assertThrows(Authentication.Failed.class,
                () -> Authentication.verifyPrimary(ch, SECRET, r.nonce(), second.proof()));
        // A secondary's answer replayed to a primary on another connection (another nonce).
        Authentication.Challenge later = Authentication.challenge("r0", SECRET, Authentication.nonce());
        assertThrows(Authentication.Failed.class, () -> Authentication.prove(later, SECRET, r));
    }

    @Test
    void aSecretOnOneSideOnlyIsRefusedSayingWhere() throws Exception {
        Authentication.Challenge withSecret = Authentication.challenge("r0", SECRET, Authentication.nonce());
        Authentication.Failed onPrimaryOnly = assertThrows(Authentication.Failed.class,
                () -> Authentication.respond(withSecret, null, Authentication.nonce()));
        assertEquals("secret-on-peer-only", onPrimaryOnly.code());
        assertTrue(onPrimaryOnly.toPeer().contains("No shared-secret is configured on the secondary"),
                onPrimaryOnly.toPeer());
        Authentication.Challenge without = Authentication.challenge("r0", null, Authentication.nonce());
        Authentication.Failed onSecondaryOnly = assertThrows(Authentication.Failed.class,
                () -> Authentication.respond(without, SECRET, Authentication.nonce()));
        assertEquals("secret-here-only", onSecondaryOnly.code());
        assertTrue(onSecondaryOnly.toPeer().contains("none is configured on the primary"), onSecondaryOnly.toPeer());
        // The primary with a secret never takes a secondary that proves nothing (one that says it has none).
        Authentication.Response none = new Authentication.Response(false, Authentication.nonce(), new byte[0]);
        assertEquals("secret-here-only", assertThrows(Authentication.Failed.class,
                () -> Authentication.prove(withSecret, SECRET, none)).code());
        Authentication.Response claims = Authentication.respond(withSecret, SECRET, Authentication.nonce());
        assertEquals("secret-on-peer-only", assertThrows(Authentication.Failed.class,
                () -> Authentication.prove(without, null, claims)).code());
    }

    @Test
    void differentAlgorithmsAreRefusedNamingBoth() {
        Authentication.Challenge ch = Authentication.challenge("r0", LinkSecret.of("correct-horse-battery",
                "hmac-sha512"), Authentication.nonce());
        Authentication.Failed f = assertThrows(Authentication.Failed.class,
                () -> Authentication.respond(ch, SECRET, Authentication.nonce()));
        assertEquals("algorithm-mismatch", f.code());
        assertTrue(f.getMessage().contains("primary=hmac-sha512, secondary=hmac-sha256"), f.getMessage());
    }

    @Test
    void withoutSecretsTheExchangeCarriesEmptyProofs() throws Exception {
        Authentication.Challenge ch = Authentication.challenge("r0", null, Authentication.nonce());
        Authentication.Response r = Authentication.respond(ch, null, Authentication.nonce());
        assertFalse(r.secret());
        assertEquals(0, Authentication.prove(ch, null, r).length);
        Authentication.verifyPrimary(ch, null, r.nonce(), new byte[0]);
    }

    /**
     * The proofs, computed here independently of the engine: each is the HMAC of the direction's
     * label, the resource, the other side's nonce and then its own, each part preceded by its
     * length (two bytes, big-endian). Changing it breaks every peer of the same version.
     */
    @Test
    void proofsArePinned() throws Exception {
        Authentication.Challenge ch = new Authentication.Challenge("r0", true, "hmac-sha256", filled(1));
        Authentication.Response r = Authentication.respond(ch, SECRET, filled(2));
        assertArrayEquals(hmac("hast secondary proof", "r0", filled(1), filled(2)), r.proof());
        assertArrayEquals(hmac("hast primary proof", "r0", filled(2), filled(1)), Authentication.prove(ch, SECRET, r));
    }

    private static byte[] hmac(String label, String resource, byte[] first, byte[] second) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("correct-horse-battery".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {label.getBytes(StandardCharsets.US_ASCII),
            resource.getBytes(StandardCharsets.UTF_8), first, second}) {
            input.write(part.length >>> 8);
            input.write(part.length & 0xff);
            input.write(part);
        }
        return mac.doFinal(input.toByteArray());
    }

    @Test
    void greetingsOfTheExchangeRoundTripAndRefuseGarbage() throws Exception {
        Authentication.Challenge ch = new Authentication.Challenge("r0", true, "hmac-sha256", filled(7));
        Authentication.Challenge back = Authentication.Challenge.decode(ch.encode());
        assertEquals("r0", back.resource());
        assertTrue(back.secret());
        assertEquals("hmac-sha256", back.algorithm());
        assertArrayEquals(filled(7), back.nonce());
        Authentication.Response r = new Authentication.Response(true, filled(3), filled(4));
        Authentication.Response rb = Authentication.Response.decode(r.encode());
        assertArrayEquals(filled(3), rb.nonce());
        assertArrayEquals(filled(4), rb.proof());
        assertThrows(ProtocolException.class, () -> Authentication.Challenge.decode(ByteBuffer.wrap(new byte[] {0, 9})));
        assertThrows(ProtocolException.class, () -> Authentication.Challenge.decode(
                new Authentication.Challenge("r0", false, "hmac-sha256", new byte[4]).encode()), "a short nonce");
        assertThrows(ProtocolException.class, () -> Authentication.Response.decode(ByteBuffer.wrap(new byte[] {5})));
    }

    @Test
    void theSecretNeverShowsInText() {
        assertEquals("shared-secret (hmac-sha256)", SECRET.toString());
        assertFalse(new Authentication.Failed("wrong-secret", "x", "y").toString().contains("correct-horse"));
        assertThrows(IllegalArgumentException.class, () -> LinkSecret.of("correct-horse-battery", "md5"));
    }
}
