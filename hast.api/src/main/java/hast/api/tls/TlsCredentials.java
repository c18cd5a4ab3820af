package hast.api.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * X.509 credentials for one side of a TLS connection, read from a directory laid out as qemu's
 * {@code tls-creds-x509} wants it: {@code ca-cert.pem}, {@code server-cert.pem} and
 * {@code server-key.pem} for the side that accepts, {@code client-cert.pem} and
 * {@code client-key.pem} for the side that connects, keys unencrypted PKCS#8. One directory thus
 * serves qemu, nbdkit and this daemon alike, and a node of the replication link, which accepts
 * and connects, keeps both of its certificates in one place. Loaded once per use: a certificate
 * renewed in the directory is used from the next connection on.
 */
public final class TlsCredentials {
    public static final String CA_CERT = "ca-cert.pem";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** The key algorithms a PKCS#8 key may hold; the encoding names its own, but asking each is simpler. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
    private static final char[] NO_PASSWORD = new char[0];

    /** Which end of the connection the credentials are for, and so which certificate it presents. */
    public enum Side {
        /** Accepts connections: presents {@code server-cert.pem}. */
        SERVER("server"),
        /** Opens connections: presents {@code client-cert.pem}. */
        CLIENT("client");

        private final String prefix;

        Side(String prefix) {
            this.prefix = prefix;
        }

        /** The file of this side's certificate chain. */
        public String certificateFile() {
            return prefix + "-cert.pem";
        }

        /** The file of this side's private key. */
        public String keyFile() {
            return prefix + "-key.pem";
        }
    }

    private final Path directory;
    private final Side side;
    private final boolean verifyPeer;
    private final SSLContext context;

    private TlsCredentials(Path directory, Side side, boolean verifyPeer, SSLContext context) {
        this.directory = directory;
        this.side = side;
        this.verifyPeer = verifyPeer;
        this.context = context;
    }

    /**
     * Reads the credentials of {@code side} in {@code directory}.
     *
     * @param verifyPeer the peer must present a certificate that {@code ca-cert.pem} signed (a
     *                   client always verifies the server's: without a CA it trusts none)
     * @throws IOException naming the file that is missing or cannot be used, and why
     */
    public static TlsCredentials load(Path directory, Side side, boolean verifyPeer) throws IOException {
        boolean trusts = verifyPeer || side == Side.CLIENT;
        try {
            List<Certificate> chain = certificates(directory.resolve(side.certificateFile()));
            PrivateKey key = privateKey(directory.resolve(side.keyFile()));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(side.prefix, key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            TrustManagerFactory tmf = null;
            if (trusts) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (Certificate ca : certificates(directory.resolve(CA_CERT))) {
                    trusted.setCertificateEntry("ca" + i++, ca);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return new TlsCredentials(directory, side, trusts, context);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS credentials in " + directory + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * An engine for one connection, TLS 1.3 or 1.2; a server engine demands the client's
     * certificate when verifying.
     */
    public SSLEngine engine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(side == Side.CLIENT);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (side == Side.SERVER) {
            engine.setNeedClientAuth(verifyPeer);
        }
        return engine;
    }

    @Override
    public String toString() {
        return "TLS with " + directory + (side == Side.SERVER && verifyPeer ? ", client certificates verified" : "");
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<? extends Certificate> found;
        try (InputStream in = Files.newInputStream(file)) {
            found = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (NoSuchFileException e) {
            throw new IOException("TLS credentials: " + file + " is missing", e);
        }
        if (found.isEmpty()) {
            throw new IOException("TLS credentials: " + file + " holds no certificate");
        }
        return List.copyOf(found);
    }

    /** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}), as openssl and certtool write by default. */
    private static PrivateKey privateKey(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("TLS credentials: " + file + " is missing", e);
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                for (String algorithm : KEY_ALGORITHMS) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException notThisOne) {
                        // Try the next algorithm.
                    }
                }
                throw new IOException("TLS credentials: the key in " + file + " is of no algorithm this JVM knows ("
                        + String.join(", ", KEY_ALGORITHMS) + ")");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IOException("TLS credentials: " + file + " holds a " + type + "; an unencrypted PKCS#8 key"
                        + " (BEGIN PRIVATE KEY) is needed (openssl pkcs8 -topk8 -nocrypt -in old.pem -out " + file + ")");
            }
        }
        throw new IOException("TLS credentials: " + file + " holds no PEM private key");
    }
}
