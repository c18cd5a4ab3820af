package hast.engine.resource;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;

import hast.engine.replication.ProtocolRange;
import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.engine.replication.Authentication;
import hast.engine.replication.Frame;
import hast.engine.replication.LinkSecret;
import hast.engine.transport.TcpTransport;

/**
 * A test's own primary on a raw connection, frame by frame: it can authenticate as the engine
 * does, or stop, lie or replay at any step.
 */
final class RawPrimary {
    private RawPrimary() {
    }

    static Connection connect(int port) throws IOException {
        Connection c = new TcpTransport().connect(HastAddress.parse("tcp4://127.0.0.1:" + port), null,
                Duration.ofSeconds(5));
        c.setReadTimeout(EnginePair.DEADLINE);
        return c;
    }

    /** Sends a CHALLENGE for the resource; returns its nonce. */
    static Authentication.Challenge challenge(Connection c, LinkSecret secret) throws IOException {
        Authentication.Challenge ch = Authentication.challenge(EnginePair.RESOURCE, secret, Authentication.nonce());
        Frame.request(Frame.Type.CHALLENGE, 0, 0, 0, 0, ch.encode()).write(c, ProtocolRange.SPOKEN.max());
        return ch;
    }

    static void proof(Connection c, byte[] proof) throws IOException {
        Frame.request(Frame.Type.PROOF, 0, 0, 0, 0, ByteBuffer.wrap(proof)).write(c, ProtocolRange.SPOKEN.max());
    }

    /** The whole exchange as the engine's primary makes it, with {@code secret} (null: none). */
    static void authenticate(Connection c, LinkSecret secret) throws IOException {
        Authentication.Challenge ch = challenge(c, secret);
        Frame answer = Frame.read(c, ProtocolRange.SPOKEN.max());
        if (answer.type() != Frame.Type.RESPONSE) {
            throw new ProtocolException("expected RESPONSE, got " + answer.type() + ": " + text(answer));
        }
        proof(c, Authentication.prove(ch, secret, Authentication.Response.decode(answer.payload())));
    }

    static String text(Frame f) {
        return f.payload() == null ? "" : java.nio.charset.StandardCharsets.UTF_8.decode(f.payload().duplicate()).toString();
    }
}
