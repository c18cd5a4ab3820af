package hast.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throw-away CA and a server certificate for 127.0.0.1, made with openssl: {@code server/} in
 * qemu's tls-creds-x509 server layout for {@code export-tls}, {@code client/} with the CA alone
 * for libnbd's {@code tls-certificates=} and qemu's client endpoint.
 */
final class TlsCredentials {
    final Path server;
    final Path client;

    TlsCredentials(Node tool, Path dir) throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve("ca"));
        server = Files.createDirectories(dir.resolve("server"));
        client = Files.createDirectories(dir.resolve("client"));
        openssl(tool, work, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out",
                "ca-cert.pem", "-days", "2", "-subj", "/CN=hast test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Files.writeString(work.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(tool, work, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr",
                "-subj", "/CN=localhost");
        openssl(tool, work, "x509", "-req", "-in", "server.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", "server-cert.pem", "-days", "2", "-extfile", "server.ext");
        for (String f : List.of("ca-cert.pem", "server-cert.pem", "server-key.pem")) {
            Files.copy(work.resolve(f), server.resolve(f));
        }
        Files.copy(work.resolve("ca-cert.pem"), client.resolve("ca-cert.pem"));
    }

    private static void openssl(Node tool, Path work, String... arguments) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec openssl \"$@\"", work.toString()));
        cmd.addAll(List.of(arguments));
        tool.run(cmd, Map.of()).expect(0);
    }
}
