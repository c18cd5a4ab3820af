package hast.geom;

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
 * The server side of NBD's TLS: X.509 credentials read from a directory laid out as qemu's
 * {@code tls-creds-x509} wants it ({@code ca-cert.pem}, {@code server-cert.pem},
 * {@code server-key.pem}, the key unencrypted PKCS#8), so one directory serves qemu, nbdkit and
 * this daemon alike.
 */
final class ExportTls {
    static final String CA_CERT = "ca-cert.pem";
    static final String SERVER_CERT = "server-cert.pem";
    static final String SERVER_KEY = "server-key.pem";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** The key algorithms a PKCS#8 key may hold; the encoding names its own, but asking each is simpler. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
    private static final char[] NO_PASSWORD = new char[0];

    private final Path directory;
    private final boolean verifyClients;
    private final SSLContext context;

    private ExportTls(Path directory, boolean verifyClients, SSLContext context) {
        this.directory = directory;
        this.verifyClients = verifyClients;
        this.context = context;
    }

    /**
     * Reads the credentials in {@code directory}.
     *
     * @param verifyClients clients must present a certificate that {@code ca-cert.pem} signed
     * @throws IOException naming the file that is missing or cannot be used, and why
     */
    static ExportTls load(Path directory, boolean verifyClients) throws IOException {
        try {
            List<Certificate> chain = certificates(directory.resolve(SERVER_CERT));
            PrivateKey key = privateKey(directory.resolve(SERVER_KEY));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            TrustManagerFactory tmf = null;
            if (verifyClients) {
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
            return new ExportTls(directory, verifyClients, context);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS credentials in " + directory + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** A server engine for one client. */
    SSLEngine engine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        engine.setNeedClientAuth(verifyClients);
        return engine;
    }

    @Override
    public String toString() {
        return "TLS with " + directory + (verifyClients ? ", client certificates verified" : "");
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
