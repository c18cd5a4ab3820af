package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import hast.api.device.HastDevice;
import hast.api.tls.TlsCredentials;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NBD over TLS (STARTTLS) with unmodified clients: libnbd's nbdinfo and nbdcopy with
 * {@code nbds://}, qemu with {@code tls-creds-x509}; a client without TLS gets nothing from an
 * export that requires it, and a plain TCP export needs the administrator's explicit consent.
 */
@Timeout(120)
class TlsExportTest {
    @TempDir
    static Path certificates;
    private static TestCertificates tls;
    private final MemoryDevice device = new MemoryDevice();
    @TempDir
    Path dir;
    private ExportFixture fixture;

    @BeforeAll
    static void makeCertificates() throws Exception {
        tls = new TestCertificates(certificates);
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private ExportFixture exportWithTls(boolean verifyClients) throws IOException {
        fixture = new ExportFixture().withTransport().export(device, "mem", Map.of(HastDevice.EXPORT_TLS,
                tls.server.toString(), HastDevice.EXPORT_TLS_VERIFY, verifyClients));
        return fixture;
    }

    private String nbds(Path credentials) {
        return "nbds://127.0.0.1:" + fixture.port + "/mem?tls-certificates=" + credentials;
    }

    @Test
    void nbdinfoDescribesTheExportOverTls() throws Exception {
        exportWithTls(false);
        String json = ExternalTool.succeed(dir, "/usr/bin/nbdinfo", "--json", nbds(tls.anonymous));
        assertTrue(json.replace(" ", "").contains("\"export-size\":" + MemoryDevice.SIZE), json);
        assertTrue(json.contains("HAST resource r-mem"), json);
    }

    @Test
    void qemuWritesAndReadsOverTls() throws Exception {
        exportWithTls(false);
        String out = ExternalTool.succeed(dir, "/usr/bin/qemu-io", "--object",
                "tls-creds-x509,id=tls0,dir=" + tls.anonymous + ",endpoint=client", "--image-opts",
                "-c", "write -P 0x5a 4096 64k", "-c", "read -P 0x5a 4096 64k",
                "driver=nbd,host=127.0.0.1,port=" + fixture.port + ",export=mem,tls-creds=tls0");
        assertTrue(out.contains("wrote 65536/65536 bytes at offset 4096"), out);
        assertTrue(out.contains("read 65536/65536 bytes at offset 4096"), out);
        for (int i = 4096; i < 4096 + 65536; i++) {
            assertEquals((byte) 0x5a, device.data[i], "byte " + i + " on the device");
        }
    }

    @Test
    void nbdcopyRoundTripsAnImageOverTls() throws Exception {
        exportWithTls(false);
        byte[] image = new byte[MemoryDevice.SIZE];
        new Random(11).nextBytes(image);
        Path source = dir.resolve("source.img");
        Path copy = dir.resolve("copy.img");
        Files.write(source, image);
        ExternalTool.succeed(dir, "/usr/bin/nbdcopy", "--connections=2", "--request-size=65536", source.toString(),
                nbds(tls.anonymous));
        assertArrayEquals(image, device.data, "the device holds the image");
        ExternalTool.succeed(dir, "/usr/bin/nbdcopy", "--connections=2", "--request-size=65536", nbds(tls.anonymous),
                copy.toString());
        assertArrayEquals(image, Files.readAllBytes(copy), "the image read back");
    }

    @Test
    void aClientWithoutTlsGetsNothing() throws Exception {
        exportWithTls(false);
        ExternalTool plain = ExternalTool.run(dir, "/usr/bin/nbdinfo", "nbd://127.0.0.1:" + fixture.port + "/mem");
        assertNotEquals(0, plain.exit(), plain.output());
        try (NbdClient c = fixture.client()) {
            c.flags();
            for (int option : List.of(Nbd.OPT_GO, Nbd.OPT_INFO)) {
                c.option(option, c.infoRequest("mem"));
                NbdClient.OptionReply r = c.optionReply();
                assertEquals(Nbd.REP_ERR_TLS_REQD, r.type(), "option " + option + ": " + r.text());
            }
            c.option(Nbd.OPT_LIST, new byte[0]);
            assertEquals(Nbd.REP_ERR_TLS_REQD, c.optionReply().type());
            c.option(Nbd.OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8));
            c.assertClosedByServer();
        }
        assertEquals(0, device.data[0]);
    }

    @Test
    void clientCertificatesAreVerifiedWhenAsked() throws Exception {
        exportWithTls(true);
        String json = ExternalTool.succeed(dir, "/usr/bin/nbdinfo", "--json", nbds(tls.client));
        assertTrue(json.replace(" ", "").contains("\"export-size\":" + MemoryDevice.SIZE), json);
        ExternalTool anonymous = ExternalTool.run(dir, "/usr/bin/nbdinfo", nbds(tls.anonymous));
        assertNotEquals(0, anonymous.exit(), "a client without a certificate: " + anonymous.output());
    }

    @Test
    void startTlsOnAPlainExportIsUnsupported() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem");
        try (NbdClient c = fixture.client()) {
            c.flags();
            c.option(Nbd.OPT_STARTTLS, new byte[0]);
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply().type());
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            List<NbdClient.OptionReply> replies = c.optionReplies();
            assertEquals(Nbd.REP_ACK, replies.get(replies.size() - 1).type(), "the negotiation goes on in the clear");
        }
    }

    @Test
    void aPlainTcpExportWithoutConsentIsRefused() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem", Map.of());
        assertThrows(ConnectException.class, fixture::client, "nothing listens");
    }

    @Test
    void unusableCredentialsAreNamed() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IOException missing = assertThrows(IOException.class, () -> TlsCredentials.load(empty,
                TlsCredentials.Side.SERVER, false));
        assertEquals("TLS credentials: " + empty.resolve("server-cert.pem") + " is missing", missing.getMessage());
        Path old = Files.createDirectory(dir.resolve("old"));
        Files.copy(tls.server.resolve("server-cert.pem"), old.resolve("server-cert.pem"));
        Files.writeString(old.resolve("server-key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException pkcs1 = assertThrows(IOException.class, () -> TlsCredentials.load(old,
                TlsCredentials.Side.SERVER, false));
        assertTrue(pkcs1.getMessage().contains("holds a RSA PRIVATE KEY; an unencrypted PKCS#8 key"), pkcs1.getMessage());
        Files.copy(tls.server.resolve("server-key.pem"), empty.resolve("server-key.pem"));
        Files.copy(tls.server.resolve("server-cert.pem"), empty.resolve("server-cert.pem"));
        IOException noCa = assertThrows(IOException.class, () -> TlsCredentials.load(empty,
                TlsCredentials.Side.SERVER, true));
        assertEquals("TLS credentials: " + empty.resolve("ca-cert.pem") + " is missing", noCa.getMessage());
        TlsCredentials.load(empty, TlsCredentials.Side.SERVER, false);
    }
}
