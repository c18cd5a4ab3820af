package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import hast.engine.replication.ProtocolRange;
import hast.api.Role;
import hast.api.event.HastEvent;
import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;
import hast.engine.config.ConfigParser;
import hast.engine.config.NodeIdentity;
import hast.engine.replication.Authentication;
import hast.engine.replication.Frame;
import hast.engine.replication.Greeting;
import hast.engine.replication.LinkSecret;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared secret between two engines over real loopback sockets: refused peers are refused
 * before anything of the resource crosses the wire, counted, raised as events, and never cost the
 * primary its live session. The raw connections come from 127.0.0.1, the remote's own address.
 */
class LinkAuthenticationTest {
    private static final String SECRET = "correct-horse-battery";
    private static final LinkSecret RIGHT = LinkSecret.of(SECRET, "hmac-sha256");

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private final Random random = new Random(12);
    private final List<Connection> raw = new ArrayList<>();
    @RegisterExtension
    final LogCapture logged = LogCapture.of("hast");

    @AfterEach
    void tearDown() throws Exception {
        for (Connection c : raw) {
            c.close();
        }
    }

    private void start(String... settings) throws Exception {
        pair = new EnginePair(dir, "fullsync", false, settings);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
    }

    private Connection connect() throws IOException {
        Connection c = RawPrimary.connect(pair.toBeta.target());
        raw.add(c);
        return c;
    }

    private static int count(EnginePair.Engine e, String type) {
        return (int) e.events.stream().filter(ev -> ev.type().equals(type)).count();
    }

    private static long authFailures(EnginePair.Engine e) {
        return e.info().statistics().authFailures();
    }

    private byte[] block() {
        byte[] b = new byte[4096];
        random.nextBytes(b);
        return b;
    }

    private static Frame refusal(Connection c) throws IOException {
        Frame f = Frame.read(c, ProtocolRange.SPOKEN.max());
        assertEquals(Frame.Type.REFUSE, f.type(), RawPrimary.text(f));
        return f;
    }

    /** The pair keeps replicating as before: no disconnection on either side, and a write goes through. */
    private void assertUntouched(int alphaDisconnects, int betaDisconnects) throws Exception {
        EnginePair.done(pair.alpha.write(0, block(), false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(alphaDisconnects, count(pair.alpha, HastEvent.DISCONNECT), "alpha kept its connection");
        assertEquals(betaDisconnects, count(pair.beta, HastEvent.DISCONNECT), "beta kept its session");
    }

    @Test
    void nodesWithTheSameSecretPairAndReplicate() throws Exception {
        start("shared-secret " + SECRET);
        pair.awaitClean(pair.alpha, pair.beta);
        EnginePair.done(pair.alpha.write(4096, block(), false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(0, authFailures(pair.alpha) + authFailures(pair.beta));
    }

    @Test
    void aWrongSecretFromTheRemotesAddressIsRefusedAndTheLiveSessionIsUntouched() throws Exception {
        start("shared-secret " + SECRET);
        pair.awaitClean(pair.alpha, pair.beta);
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        CompletableFuture<Void> inFlight = pair.alpha.write(8192, block(), false);
        Connection c = connect();
        RawPrimary.challenge(c, LinkSecret.of("a-guessed-secret", "hmac-sha256"));
        assertEquals(Frame.Type.RESPONSE, Frame.read(c, ProtocolRange.SPOKEN.max()).type());
        byte[] guess = new byte[32];
        random.nextBytes(guess);
        RawPrimary.proof(c, guess);
        Frame refused = refusal(c);
        assertEquals(Frame.REFUSED_AUTHENTICATION, refused.flags());
        assertTrue(RawPrimary.text(refused).contains("shared-secret differs"), RawPrimary.text(refused));
        EnginePair.await("beta to count the failure", () -> authFailures(pair.beta) == 1);
        HastEvent event = pair.beta.events.stream().filter(e -> e.type().equals(HastEvent.AUTH_FAILED)).findFirst()
                .orElseThrow();
        assertEquals("wrong-secret", event.details().get(1));
        assertTrue(event.details().get(0).startsWith("tcp://127.0.0.1:"), event.details().toString());
        EnginePair.done(inFlight);
        assertUntouched(alphaDisconnects, betaDisconnects);
        assertTrue(logged.messages().stream().anyMatch(l -> l.contains("Authentication of tcp://127.0.0.1:")
                && l.contains("failed (wrong-secret)")), logged.toString());
        for (String line : logged.messages()) {
            assertFalse(line.contains(SECRET), "the secret in the log: " + line);
        }
        assertFalse(pair.beta.info().toString().contains(SECRET), "status shows no secret");
        String configText = new ConfigParser(NodeIdentity.named("beta")).parse(pair.conf).resources().toString();
        assertFalse(configText.contains(SECRET), configText);
    }

    @Test
    void aReflectedProofIsRefusedAndTheLiveSessionIsUntouched() throws Exception {
        start("shared-secret " + SECRET);
        pair.awaitClean(pair.alpha, pair.beta);
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        // The secondary's own proof sent back to it.
        Connection first = connect();
        RawPrimary.challenge(first, RIGHT);
        Authentication.Response answer = Authentication.Response.decode(Frame.read(first, ProtocolRange.SPOKEN.max()).payload());
        RawPrimary.proof(first, answer.proof());
        assertEquals(Frame.REFUSED_AUTHENTICATION, refusal(first).flags());
        // A second connection challenging with the nonce the third must answer for.
        Connection third = connect();
        RawPrimary.challenge(third, RIGHT);
        Authentication.Response toAnswer = Authentication.Response.decode(Frame.read(third, ProtocolRange.SPOKEN.max()).payload());
        Connection mirror = connect();
        Frame.request(Frame.Type.CHALLENGE, 0, 0, 0, 0, new Authentication.Challenge(EnginePair.RESOURCE, true,
                "hmac-sha256", toAnswer.nonce()).encode()).write(mirror, ProtocolRange.SPOKEN.max());
        Authentication.Response mirrored = Authentication.Response.decode(Frame.read(mirror, ProtocolRange.SPOKEN.max()).payload());
        RawPrimary.proof(third, mirrored.proof());
        assertEquals(Frame.REFUSED_AUTHENTICATION, refusal(third).flags());
        EnginePair.await("beta to count both", () -> authFailures(pair.beta) == 2);
        assertUntouched(alphaDisconnects, betaDisconnects);
    }

    /**
     * A HELLO from the remote's address, with the resuid and counters of the live pairing, used
     * to replace the session serving the primary at once. It must authenticate first.
     */
    @Test
    void aHelloBeforeAuthenticatingDoesNotDropTheLiveSession() throws Exception {
        start();
        pair.awaitClean(pair.alpha, pair.beta);
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        var md = pair.beta.metadataOnDisk();
        Greeting.Hello hello = new Greeting.Hello(EnginePair.RESOURCE, md.resuid(), md.remotecnt(), md.localcnt(),
                md.datasize(), md.extentsize(), PrimaryDevice.MAX_REQUEST, CodecSet.PLAIN, true);
        Connection c = connect();
        Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, hello.encode()).write(c, ProtocolRange.SPOKEN.max());
        assertTrue(RawPrimary.text(refusal(c)).contains("Expected CHALLENGE"));
        assertUntouched(alphaDisconnects, betaDisconnects);
    }

    @Test
    void aHelloInPlaceOfTheProofIsRefusedAndTheLiveSessionIsUntouched() throws Exception {
        start("shared-secret " + SECRET);
        pair.awaitClean(pair.alpha, pair.beta);
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        var md = pair.beta.metadataOnDisk();
        Connection c = connect();
        RawPrimary.challenge(c, RIGHT);
        assertEquals(Frame.Type.RESPONSE, Frame.read(c, ProtocolRange.SPOKEN.max()).type());
        Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, new Greeting.Hello(EnginePair.RESOURCE, md.resuid(),
                md.remotecnt(), md.localcnt(), md.datasize(), md.extentsize(), PrimaryDevice.MAX_REQUEST,
                CodecSet.PLAIN, true).encode()).write(c, ProtocolRange.SPOKEN.max());
        assertEquals(Frame.REFUSED_AUTHENTICATION, refusal(c).flags());
        assertUntouched(alphaDisconnects, betaDisconnects);
    }

    @Test
    void aSecretOnThePrimaryOnlyIsRefusedSayingSo() throws Exception {
        start("on alpha { shared-secret " + SECRET + " }");
        EnginePair.await("alpha to be told", () -> String.valueOf(pair.alpha.info().problem())
                .contains("No shared-secret is configured on the secondary"));
        EnginePair.await("both to count it", () -> authFailures(pair.alpha) > 0 && authFailures(pair.beta) > 0);
        assertEquals("degraded", pair.beta.info().status());
        assertTrue(count(pair.alpha, HastEvent.AUTH_FAILED) > 0 && count(pair.beta, HastEvent.AUTH_FAILED) > 0);
    }

    @Test
    void aSecretOnTheSecondaryOnlyIsRefusedSayingSo() throws Exception {
        start("on beta { shared-secret " + SECRET + " }");
        EnginePair.await("alpha to be told", () -> String.valueOf(pair.alpha.info().problem())
                .contains("none is configured on the primary"));
        assertTrue(logged.messages().stream().anyMatch(l -> l.contains("the primary has no shared-secret for the resource and"
                + " this node has one")), logged.toString());
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void differentSecretsNeverPair() throws Exception {
        start("on alpha { shared-secret " + SECRET + " }", "on beta { shared-secret another-secret-x }");
        EnginePair.await("alpha to find the secondary's proof wrong", () -> String.valueOf(pair.alpha.info().problem())
                .contains("the secondary's proof does not match"));
        assertTrue(authFailures(pair.alpha) > 0);
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void aPeerSpeakingTheOldProtocolIsToldWhichVersionThisNodeSpeaks() throws Exception {
        start();
        Connection c = connect();
        ByteBuffer header = ByteBuffer.allocate(40);
        header.putInt(0x48415354).put((byte) 2).put((byte) 1).putShort((short) 0).putLong(0).putLong(0).putLong(0)
                .putInt(0).putInt(0);
        c.writeFully(header.flip());
        // In the peer's version, which it reads, with this node's versions in the header.
        Frame.Opening opening = Frame.readOpening(c);
        assertEquals(2, opening.version());
        assertEquals(ProtocolRange.SPOKEN, opening.range());
        assertEquals(Frame.Type.REFUSE, opening.frame().type());
        assertEquals(Frame.REFUSED_VERSION, opening.frame().flags());
        assertEquals("No common protocol version: the secondary speaks " + ProtocolRange.SPOKEN + ", the primary 2;"
                + " upgrade the node with the older versions.", RawPrimary.text(opening.frame()));
    }
}
