package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import hast.api.tls.TlsConnection;
import hast.api.tls.TlsCredentials;
import hast.api.transport.Connection;
import hast.engine.replication.Frame;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS on the link between two engines over real loopback sockets, with certificates made by
 * openssl: the pair replicates through it; TLS on one side only, a certificate of another CA, an
 * expired one, a certificate not naming the pinned peer, a plain peer at a TLS node and a stranger's TLS are all
 * refused with a log line, counted and raised as {@code auth-failed}, and a live session never
 * notices.
 */
class LinkTlsTest {
    private static final String SECRET = "correct-horse-battery";

    @TempDir
    static Path certificates;
    private static Path alphaTls;
    private static Path betaTls;
    private static Path rogueTls;
    private static Path expiredTls;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private final Random random = new Random(17);
    private final List<Connection> raw = new ArrayList<>();
    @RegisterExtension
    final LogCapture logged = LogCapture.of("hast");

    @BeforeAll
    static void credentials() throws Exception {
        LinkCertificates made = new LinkCertificates(certificates);
        alphaTls = made.node("alpha");
        betaTls = made.node("beta");
        rogueTls = made.rogue("alpha");
        expiredTls = made.expired("alpha");
    }

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

    /** Both nodes with their TLS, each pinning the other's name, and a shared secret on top. */
    private void startPaired() throws Exception {
        start("shared-secret " + SECRET, "on alpha { link-tls " + alphaTls + " link-tls-peer beta }",
                "on beta { link-tls " + betaTls + " link-tls-peer alpha }");
        pair.awaitClean(pair.alpha, pair.beta);
    }

    private static int count(EnginePair.Engine e, String type) {
        return (int) e.events.stream().filter(ev -> ev.type().equals(type)).count();
    }

    private static long authFailures(EnginePair.Engine e) {
        return e.info().statistics().authFailures();
    }

    private static String code(EnginePair.Engine e) {
        return e.events.stream().filter(ev -> ev.type().equals(HastEvent.AUTH_FAILED)).findFirst()
                .map(ev -> ev.details().get(1)).orElse("none");
    }

    private byte[] block() {
        byte[] b = new byte[4096];
        random.nextBytes(b);
        return b;
    }

    private boolean loggedLine(String... parts) {
        return logged.messages().stream().anyMatch(l -> List.of(parts).stream().allMatch(l::contains));
    }

    private void assertUntouched(int alphaDisconnects, int betaDisconnects) throws Exception {
        EnginePair.done(pair.alpha.write(0, block(), false));
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(alphaDisconnects, count(pair.alpha, HastEvent.DISCONNECT), "alpha kept its connection");
        assertEquals(betaDisconnects, count(pair.beta, HastEvent.DISCONNECT), "beta kept its session");
    }

    @Test
    void dataCrossesTheLinkInTlsAndIsTheSameOnTheOtherNode() throws Exception {
        startPaired();
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] b = block();
            written.add(b);
            EnginePair.done(pair.alpha.write((long) i * EnginePair.EXTENT + 4096, b, i % 2 == 0));
        }
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(0, authFailures(pair.alpha) + authFailures(pair.beta));
        pair.alpha.role(Role.SECONDARY);
        pair.beta.role(Role.PRIMARY);
        pair.awaitClean(pair.beta, pair.alpha);
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), pair.beta.read((long) i * EnginePair.EXTENT + 4096, 4096), "block " + i);
        }
    }

    @Test
    void tlsOnThePrimaryOnlyIsRefusedSayingSoOnBothSides() throws Exception {
        start("on alpha { link-tls " + alphaTls + " }");
        EnginePair.await("alpha to be told", () -> String.valueOf(pair.alpha.info().problem())
                .contains("the secondary answered without TLS"));
        assertTrue(String.valueOf(pair.alpha.info().problem()).contains("no link-tls for the resources of your"
                + " address"), pair.alpha.info().problem());
        EnginePair.await("both to count it", () -> authFailures(pair.alpha) > 0 && authFailures(pair.beta) > 0);
        assertEquals("tls-here-only", code(pair.alpha));
        assertEquals("tls-on-peer-only", code(pair.beta));
        assertTrue(loggedLine("Authentication of tcp://127.0.0.1:", "failed (tls-on-peer-only)"),
                logged.toString());
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void tlsOnTheSecondaryOnlyIsRefusedSayingSoOnBothSides() throws Exception {
        start("on beta { link-tls " + betaTls + " }");
        EnginePair.await("alpha to be told", () -> String.valueOf(pair.alpha.info().problem())
                .contains("requires TLS (link-tls)"));
        EnginePair.await("both to count it", () -> authFailures(pair.alpha) > 0 && authFailures(pair.beta) > 0);
        assertEquals("tls-here-only", code(pair.beta));
        assertTrue(loggedLine("failed (tls-here-only)", "the primary connected without TLS"),
                logged.toString());
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedByTheSecondary() throws Exception {
        start("on alpha { link-tls " + rogueTls + " }", "on beta { link-tls " + betaTls + " }");
        EnginePair.await("both to count it", () -> authFailures(pair.alpha) > 0 && authFailures(pair.beta) > 0);
        assertEquals("tls-handshake", code(pair.beta));
        assertTrue(loggedLine("failed (tls-handshake): TLS handshake failed"), logged.toString());
        assertEquals("degraded", pair.beta.info().status());
        assertEquals(0, count(pair.beta, HastEvent.CONNECT));
    }

    @Test
    void credentialsThatCannotServeAreReportedWhenTheConfigurationIsLoaded() throws Exception {
        Path empty = java.nio.file.Files.createDirectories(dir.resolve("no-credentials"));
        start("on alpha { link-tls " + empty + " }", "on beta { link-tls " + betaTls + " }");
        assertTrue(loggedLine("[r0] link-tls: TLS credentials: " + empty.resolve("server-cert.pem") + " is missing",
                "the link cannot connect until this is fixed"), logged.toString());
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void anExpiredCertificateIsRefusedByTheSecondary() throws Exception {
        start("on alpha { link-tls " + expiredTls + " }", "on beta { link-tls " + betaTls + " }");
        EnginePair.await("both to count it", () -> authFailures(pair.alpha) > 0 && authFailures(pair.beta) > 0);
        assertEquals("tls-handshake", code(pair.beta));
        assertTrue(loggedLine("failed (tls-handshake): TLS handshake failed", "validity"), logged.toString());
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void aCertificateNotNamingThePinnedPeerIsRefused() throws Exception {
        start("on alpha { link-tls " + alphaTls + " link-tls-peer gamma }", "on beta { link-tls " + betaTls + " }");
        EnginePair.await("alpha to refuse beta's certificate", () -> String.valueOf(pair.alpha.info().problem())
                .contains("does not name gamma"));
        assertEquals("tls-peer-name", code(pair.alpha));
        assertTrue(authFailures(pair.alpha) > 0);
        assertEquals("degraded", pair.beta.info().status());
    }

    @Test
    void aPlainPeerAtATlsNodeIsRefusedAndTheLiveSessionIsUntouched() throws Exception {
        startPaired();
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        Connection c = RawPrimary.connect(pair.toBeta.target());
        raw.add(c);
        RawPrimary.challenge(c, null);
        Frame refused = Frame.read(c, ProtocolRange.SPOKEN.max());
        assertEquals(Frame.Type.REFUSE, refused.type());
        assertEquals(Frame.REFUSED_AUTHENTICATION, refused.flags());
        assertTrue(RawPrimary.text(refused).contains("requires TLS"), RawPrimary.text(refused));
        EnginePair.await("beta to count the failure", () -> authFailures(pair.beta) == 1);
        assertUntouched(alphaDisconnects, betaDisconnects);
    }

    @Test
    void aStrangersCertificateIsRefusedAndTheLiveSessionIsUntouched() throws Exception {
        startPaired();
        int alphaDisconnects = count(pair.alpha, HastEvent.DISCONNECT);
        int betaDisconnects = count(pair.beta, HastEvent.DISCONNECT);
        CompletableFuture<Void> inFlight = pair.alpha.write(8192, block(), false);
        Connection c = RawPrimary.connect(pair.toBeta.target());
        raw.add(c);
        assertThrows(IOException.class, () -> {
            TlsConnection tls = TlsConnection.handshake(c,
                    TlsCredentials.load(rogueTls, TlsCredentials.Side.CLIENT, true).engine());
            // Under TLS 1.3 the server's verdict on our certificate comes after our handshake.
            tls.readFully(ByteBuffer.allocate(1));
        });
        EnginePair.await("beta to count the failure", () -> authFailures(pair.beta) == 1);
        assertEquals("tls-handshake", code(pair.beta));
        EnginePair.done(inFlight);
        assertUntouched(alphaDisconnects, betaDisconnects);
    }

    /**
     * The link's timeouts hold over TLS: with the relay to the secondary forwarding nothing, the
     * primary's writes fill the socket and block in the TLS connection; the primary gives up on it
     * (its read timeout, reply timeout or write deadline, whichever comes first, each closing the
     * socket under the TLS connection), its clients' writes complete, and once the link is healed
     * the pair is whole again.
     */
    @Test
    void aStalledTlsLinkIsDroppedAndWritesGoOn() throws Exception {
        startPaired();
        int disconnects = count(pair.alpha, HastEvent.DISCONNECT);
        pair.toBeta.cut();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        byte[] mib = new byte[1 << 20];
        for (int i = 0; i < 32; i++) {
            random.nextBytes(mib);
            writes.add(pair.alpha.write((long) (i % 16) * EnginePair.EXTENT, mib.clone(), false));
        }
        for (CompletableFuture<Void> w : writes) {
            EnginePair.done(w);
        }
        EnginePair.await("alpha to drop the stalled link", () -> count(pair.alpha, HastEvent.DISCONNECT) > disconnects);
        assertTrue(loggedLine("Disconnected from"), logged.toString());
        pair.toBeta.heal();
        pair.awaitClean(pair.alpha, pair.beta);
    }

    @Test
    void aTlsHandshakeThatStallsIsClosedAtTheHandshakeDeadline() throws Exception {
        startPaired();
        Connection c = RawPrimary.connect(pair.toBeta.target());
        raw.add(c);
        // A TLS record's first byte, and nothing more: the secondary waits in its handshake.
        c.writeFully(ByteBuffer.wrap(new byte[] {0x16}));
        ByteBuffer any = ByteBuffer.allocate(1);
        assertEquals(-1, c.read(any), "closed by the secondary within the deadline (timeout 1 s)");
        assertTrue(loggedLine("Handshake with tcp://127.0.0.1:", "not done within"), logged.toString());
    }
}
