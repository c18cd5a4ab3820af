package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code link-tls-peer}: which names a certificate carries, on a certificate made by openssl. */
class LinkTlsNamesTest {
    @TempDir
    Path dir;

    private X509Certificate certificate(String subject, String alternatives) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1",
                "-subj", subject, "-addext", "subjectAltName=" + alternatives).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("openssl.log")));
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void dnsAndIpAlternativeNamesAndTheCommonNameCount() throws Exception {
        X509Certificate c = certificate("/O=hast/CN=node-b", "DNS:beta.example,IP:10.0.0.2,IP:fd00::2");
        assertTrue(LinkTls.names(c, "beta.example"));
        assertTrue(LinkTls.names(c, "BETA.example"), "DNS names ignore case");
        assertTrue(LinkTls.names(c, "10.0.0.2"));
        assertTrue(LinkTls.names(c, "fd00::2"), "an IPv6 name in its short form matches the certificate's long one");
        assertTrue(LinkTls.names(c, "node-b"), "the subject's CN");
        assertFalse(LinkTls.names(c, "hast"), "another attribute of the subject is no name");
        assertFalse(LinkTls.names(c, "alpha.example"));
        assertFalse(LinkTls.names(c, "10.0.0.1"));
        assertFalse(LinkTls.names(c, "beta"), "no prefix matching");
    }
}
