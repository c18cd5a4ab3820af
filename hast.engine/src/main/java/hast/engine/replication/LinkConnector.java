package hast.engine.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.guard.HandshakeDeadlines;
import hast.api.transport.Connection;
import hast.api.transport.Transport;
import hast.engine.codec.PayloadCodec;

/**
 * Makes one connection to the secondary for the link: the transport's connection, TLS when the
 * resource asks for it, and the greeting, each under the resource's timeout. What the secondary
 * refuses, or a failure on the way, ends the attempt with the pairing told; refusals that wait for
 * an operator lengthen the pause before the next attempt.
 */
final class LinkConnector implements AutoCloseable {
    /** The link's own log: what an operator filters on did not change when the link was split. */
    private static final Logger LOG = Logger.getLogger(RemoteLink.class.getName());

    private final String resource;
    private final Function<HastAddress, Transport> transports;
    /** The resource's shared-secret as reloads change it, or null for none. */
    private final Supplier<LinkSecret> secret;
    /** The resource's link-tls as reloads change it, or null for a plain link. */
    private final Supplier<LinkTls> tls;
    private final Pairing pairing;
    /** The protocol versions this node offers the secondary. */
    private final ProtocolRange spoken;
    private final PayloadCodec codec;
    private final ChecksumPause pause;
    /** Bounds each whole handshake (twice the timeout: each of its reads has the timeout already). */
    private final HandshakeDeadlines deadlines = new HandshakeDeadlines("Handshake");
    /**
     * Handshakes refused in a row for a reason only an operator can clear (guard thread only); each doubles the next pause.
     */
    private int refusals;

    LinkConnector(String resource, Function<HastAddress, Transport> transports, Supplier<LinkSecret> secret,
            Supplier<LinkTls> tls, Pairing pairing, ProtocolRange spoken, PayloadCodec codec, ChecksumPause pause) {
        this.resource = resource;
        this.transports = transports;
        this.secret = secret;
        this.tls = tls;
        this.pairing = pairing;
        this.spoken = spoken;
        this.codec = codec;
        this.pause = pause;
    }

    /** The pause before the next attempt: 2 s, doubled by each such refusal in a row, up to 30 s. */
    Duration reconnectPause() {
        Duration pause = RemoteLink.RECONNECT.multipliedBy(1L << Math.min(refusals, 5));
        return pause.compareTo(RemoteLink.RECONNECT_REFUSED_MAX) > 0 ? RemoteLink.RECONNECT_REFUSED_MAX : pause;
    }

    /**
     * Connects to the secondary and performs the handshake.
     *
     * @return the session the secondary accepted, or {@code null} when there is none this time
     */
    LinkSession connect(LinkEndpoint to) {
        HastAddress remote = to.remote();
        Duration timeout = to.timeout();
        Transport transport = transports.apply(remote);
        if (transport == null || !pause.unblocked(codec.blocker(null))) {
            return null;
        }
        Connection plain;
        Greeting.Accepted accepted;
        try {
            plain = transport.connect(remote, to.source(), timeout);
        } catch (IOException e) {
            LOG.log(Level.FINE, "[{0}] Unable to connect to {1}: {2}", new Object[] {resource, remote, e.getMessage()});
            return null;
        }
        // Each read has the timeout; a secondary that drips bytes must not hold the link's guard for longer.
        HandshakeDeadlines.Armed handshake = deadlines.arm(plain, timeout.multipliedBy(2));
        Connection c = plain;
        try {
            LinkTls linkTls = tls.get();
            if (linkTls != null) {
                plain.setReadTimeout(timeout);
                c = linkTls.connect(plain);
            }
            accepted = Greeting.exchange(c, timeout, secret.get(), spoken, pairing.hello(codec.decodable()), pairing);
            handshake.disarm();
            if (accepted == null || !pause.unblocked(codec.blocker(accepted.welcome().codecs()))
                    || !pairing.paired(accepted.welcome())) {
                refusals = accepted == null && pairing.awaitsOperator() ? refusals + 1 : 0;
                c.close();
                return null;
            }
        } catch (Authentication.Failed e) {
            close(c);
            pairing.authenticationFailed(e.code(), e.getMessage());
            return null;
        } catch (javax.net.ssl.SSLException e) {
            // Under TLS 1.3 the secondary checks our certificate after our side of the handshake is done.
            close(c);
            pairing.authenticationFailed("tls-refused-by-secondary", "the secondary ended TLS: " + e.getMessage()
                    + " (it does not accept this node's certificate?)");
            return null;
        } catch (java.io.EOFException e) {
            LOG.warning(() -> "[" + resource + "] Handshake with " + remote + " failed: " + e.getMessage()
                    + " (a secondary speaking an older protocol than version 3 closes so)");
            close(c);
            return null;
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            LOG.warning(() -> "[" + resource + "] Handshake with " + remote + " failed: " + why);
            close(c);
            return null;
        } finally {
            handshake.disarm();
        }
        refusals = 0;
        return new LinkSession(c, accepted, to);
    }

    /** Says which protocol version the pair speaks; at info when it is an older one than ours (an upgrade under way). */
    void logVersion(LinkSession session) {
        LOG.log(session.version < spoken.max() ? Level.INFO : Level.FINE, "[{0}] Protocol version {1} with the"
                + " secondary (this node speaks {2}, the secondary {3}).",
                new Object[] {resource, session.version, spoken, session.peerSpeaks});
    }

    static void close(Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Going away anyway.
        }
    }

    /** Stops the handshake deadlines' timer: a handshake that would start now has its connection closed at once. */
    @Override
    public void close() {
        deadlines.close();
    }
}
