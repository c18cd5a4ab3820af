package hast.engine.replication;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;

import hast.api.guard.HandshakeDeadlines;
import hast.api.tls.TlsConnection;
import hast.api.tls.TlsCredentials;
import hast.api.transport.Connection;
import hast.api.transport.ForwardingConnection;

/**
 * A resource's {@code link-tls}: TLS on the replication link from the connection's first byte,
 * before the CHALLENGE, with mutual certificate checking. Each node keeps its credentials in a
 * directory of qemu's {@code tls-creds-x509} layout (see {@link TlsCredentials}): it presents
 * {@code server-cert.pem} when it accepts (secondary) and {@code client-cert.pem} when it connects
 * (primary), and checks the peer's against {@code ca-cert.pem}. With {@code peerName} set
 * ({@code link-tls-peer}), the peer's certificate must also name it (a DNS or IP subject
 * alternative name, or the subject's CN), so that a certificate the same CA gave another host is
 * refused. A refusal is an {@link Authentication.Failed}, counted and raised as the shared
 * secret's are. The credentials are read for each connection: renewed files take effect without
 * a reload.
 *
 * @param directory the credentials directory
 * @param peerName  the name the peer's certificate must carry, or {@code null} for any the CA signed
 */
public record LinkTls(Path directory, String peerName) {
    /** The first byte of a TLS connection (a handshake record), never the first of a frame ("HAST"). */
    private static final byte TLS_HANDSHAKE = 0x16;
    /** Bytes of a plain answer kept to show what a peer without TLS said: its REFUSE fits. */
    private static final int PLAIN_ANSWER = Frame.HEADER + Frame.MAX_GREETING;

    /**
     * Reads both sides' credentials, so that a directory that cannot serve is reported when the
     * configuration is loaded rather than at each connection attempt.
     *
     * @throws IOException naming the file that is missing or cannot be used
     */
    public void check() throws IOException {
        TlsCredentials.load(directory, TlsCredentials.Side.SERVER, true);
        TlsCredentials.load(directory, TlsCredentials.Side.CLIENT, true);
    }

    /** Whether a connection whose first byte is {@code first} opens with TLS. */
    static boolean opensTls(byte first) {
        return first == TLS_HANDSHAKE;
    }

    /**
     * The primary's side: the TLS handshake on a fresh connection, then the check of the
     * secondary's name.
     *
     * @throws Authentication.Failed when the secondary's certificate is refused, it refuses ours,
     *                               or it answers without TLS
     * @throws IOException           when this node's credentials cannot be read, or the connection fails
     */
    Connection connect(Connection plain) throws IOException {
        TlsCredentials credentials = TlsCredentials.load(directory, TlsCredentials.Side.CLIENT, true);
        Recording recording = new Recording(plain);
        TlsConnection tls;
        try {
            tls = TlsConnection.handshake(recording, credentials.engine());
        } catch (SSLException e) {
            String plainAnswer = plainAnswer(plain, recording.recorded());
            if (plainAnswer != null) {
                throw new Authentication.Failed("tls-here-only", "the secondary answered without TLS, so it has no"
                        + " link-tls for the resource" + plainAnswer + "; configure link-tls on both nodes or on"
                        + " neither", "");
            }
            throw new Authentication.Failed("tls-handshake", "TLS handshake failed: " + e.getMessage(), "");
        }
        recording.stop();
        checkName(tls, "secondary");
        return tls;
    }

    /**
     * The secondary's side, on a connection whose first byte said TLS: the handshake, then the
     * check of the primary's name.
     *
     * @throws Authentication.Failed when the primary's certificate is refused or it refuses ours
     * @throws IOException           when this node's credentials cannot be read, or the connection fails
     */
    Connection accept(Connection plain) throws IOException {
        TlsCredentials credentials = TlsCredentials.load(directory, TlsCredentials.Side.SERVER, true);
        TlsConnection tls;
        try {
            tls = TlsConnection.handshake(plain, credentials.engine());
        } catch (SSLException e) {
            throw new Authentication.Failed("tls-handshake", "TLS handshake failed: " + e.getMessage(),
                    "TLS handshake failed.");
        } catch (EOFException e) {
            throw new Authentication.Failed("tls-handshake", "TLS handshake failed: the primary closed the"
                    + " connection in it (does it trust this node's certificate?)", "TLS handshake failed.");
        }
        checkName(tls, "primary");
        return tls;
    }

    private void checkName(TlsConnection tls, String who) throws IOException {
        X509Certificate peer = tls.peerCertificate();
        if (peerName == null || peer != null && names(peer, peerName)) {
            return;
        }
        HandshakeDeadlines.closeQuietly(tls);
        throw new Authentication.Failed("tls-peer-name", "the " + who + "'s certificate ("
                + (peer == null ? "none" : peer.getSubjectX500Principal().getName()) + ") does not name "
                + peerName + " (link-tls-peer)", "");
    }

    /** Whether {@code name} is one of the certificate's DNS or IP alternative names, or its subject's CN. */
    static boolean names(X509Certificate certificate, String name) {
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    int type = (Integer) entry.get(0);
                    // 2 dNSName, 7 iPAddress (as text).
                    if ((type == 2 || type == 7) && sameName(String.valueOf(entry.get(1)), name)) {
                        return true;
                    }
                }
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && name.equalsIgnoreCase(String.valueOf(rdn.getValue()))) {
                    return true;
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            return false;
        }
        return false;
    }

    private static boolean sameName(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        // IPv6 alternative names come in full form; compare as addresses when both are literals.
        try {
            return isLiteral(a) && isLiteral(b) && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
    }

    /**
     * What a secondary without TLS said, when the bytes that failed our handshake were a frame:
     * its REFUSE's text (", saying: …"), or "" for another frame; {@code null} when they were no frame.
     */
    private static String plainAnswer(Connection plain, ByteBuffer recorded) {
        if (recorded.remaining() < 4 || recorded.getInt(recorded.position()) != Frame.MAGIC) {
            return null;
        }
        try {
            // The whole REFUSE came in the reads the handshake made; nothing more is waited for.
            plain.setReadTimeout(Duration.ofMillis(1));
            Frame f = Frame.readOpening(new Rewound(plain, recorded)).frame();
            return f.type() == Frame.Type.REFUSE && f.payload() != null
                    ? ", saying: " + StandardCharsets.UTF_8.decode(f.payload()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "TLS with " + directory + (peerName == null ? "" : ", peer " + peerName);
    }

    /** Keeps a copy of the first bytes read, until stopped. */
    private static final class Recording extends ForwardingConnection {
        private ByteBuffer recorded = ByteBuffer.allocate(PLAIN_ANSWER);

        Recording(Connection c) {
            super(c);
        }

        ByteBuffer recorded() {
            return recorded == null ? ByteBuffer.allocate(0) : recorded.duplicate().flip();
        }

        void stop() {
            recorded = null;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int from = dst.position();
            int n = c.read(dst);
            if (n > 0 && recorded != null) {
                ByteBuffer got = dst.duplicate().position(from).limit(from + n);
                recorded.put(got.limit(from + Math.min(n, recorded.remaining())));
            }
            return n;
        }
    }
}
