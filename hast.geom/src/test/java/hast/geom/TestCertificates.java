package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA, a server certificate for 127.0.0.1 and localhost, and a client certificate,
 * made with the openssl command (README's package list has it) in the layouts the tools want:
 * {@code server/} for the export (qemu's tls-creds-x509 server layout), {@code client/} with the
 * CA and the client's certificate and key (libnbd's tls-certificates and qemu's client layout),
 * {@code anonymous/} with the CA alone.
 */
final class TestCertificates {
    final Path server;
    final Path client;
    final Path anonymous;

    TestCertificates(Path dir) throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve("ca"));
        server = Files.createDirectories(dir.resolve("server"));
        client = Files.createDirectories(dir.resolve("client"));
        anonymous = Files.createDirectories(dir.resolve("anonymous"));
        Path ca = work.resolve("ca-cert.pem");
        openssl(work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem",
                "-days", "2", "-subj", "/CN=hast test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        sign(work, "server", "localhost", "serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        sign(work, "client", "hast test client", "clientAuth", "");
        for (Path d : List.of(server, client, anonymous)) {
            Files.copy(ca, d.resolve("ca-cert.pem"));
        }
        Files.copy(work.resolve("server-cert.pem"), server.resolve("server-cert.pem"));
        Files.copy(work.resolve("server-key.pem"), server.resolve("server-key.pem"));
        Files.copy(work.resolve("client-cert.pem"), client.resolve("client-cert.pem"));
        Files.copy(work.resolve("client-key.pem"), client.resolve("client-key.pem"));
    }

    private static void sign(Path work, String who, String name, String usage, String extra)
            throws IOException, InterruptedException {
        Files.writeString(work.resolve(who + ".ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=" + usage + "\n" + extra);
        openssl(work, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=" + name);
        openssl(work, "x509", "-req", "-in", who + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", who + "-cert.pem", "-days", "2", "-extfile", who + ".ext");
    }

    private static void openssl(Path work, String... arguments) throws IOException, InterruptedException {
        Path openssl = Path.of("/usr/bin/openssl");
        assertTrue(Files.isExecutable(openssl), "openssl is not installed (apt-get install openssl)");
        List<String> command = new java.util.ArrayList<>(List.of(openssl.toString()));
        command.addAll(List.of(arguments));
        Path log = work.resolve("openssl.log");
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", arguments) + ": "
                + Files.readString(log, StandardCharsets.UTF_8));
    }
}
