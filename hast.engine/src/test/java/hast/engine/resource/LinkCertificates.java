package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Credentials for the link's TLS, made with the openssl command: a CA, and for each node a
 * directory in qemu's tls-creds-x509 layout holding the CA and one certificate (named after the
 * node, in its CN and as a DNS alternative name, good for server and client alike) under both the
 * server's and the client's file names. A second CA signs the {@link #rogue} node's, with that CA
 * as its trust: a node of another cluster.
 */
final class LinkCertificates {
    private final Path dir;
    private final Path ca;
    private final Path rogueCa;

    LinkCertificates(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.ca = authority("ca");
        this.rogueCa = authority("rogue-ca");
    }

    /** A directory for node {@code name}, signed by the CA. */
    Path node(String name) throws IOException, InterruptedException {
        return node(name, ca);
    }

    /** A directory for node {@code name} whose certificate and trust are another CA's. */
    Path rogue(String name) throws IOException, InterruptedException {
        return node(name, rogueCa);
    }

    /** A directory for node {@code name} signed by the CA, whose certificate expired yesterday. */
    Path expired(String name) throws IOException, InterruptedException {
        return node(name, ca, "expired-", -1);
    }

    private Path authority(String name) throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve(name));
        openssl(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "2", "-subj", "/CN=hast " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return work;
    }

    private Path node(String name, Path authority) throws IOException, InterruptedException {
        return node(name, authority, "", 2);
    }

    /** @param days the certificate's validity from now (openssl takes -1: it ended a day ago) */
    private Path node(String name, Path authority, String prefix, int days) throws IOException, InterruptedException {
        Path out = Files.createDirectories(dir.resolve(prefix + authority.getFileName() + "-" + name));
        Files.writeString(out.resolve("node.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
                + "subjectAltName=DNS:" + name + "\n");
        openssl(out, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                "node-key.pem", "-out", "node.csr", "-subj", "/CN=" + name);
        openssl(out, "x509", "-req", "-in", "node.csr", "-CA", authority.resolve("ca-cert.pem").toString(), "-CAkey",
                authority.resolve("ca-key.pem").toString(), "-CAcreateserial", "-out", "node-cert.pem", "-days",
                String.valueOf(days),
                "-extfile", "node.ext");
        Files.copy(authority.resolve("ca-cert.pem"), out.resolve("ca-cert.pem"));
        for (String side : List.of("server", "client")) {
            Files.copy(out.resolve("node-cert.pem"), out.resolve(side + "-cert.pem"));
            Files.copy(out.resolve("node-key.pem"), out.resolve(side + "-key.pem"));
        }
        return out;
    }

    private static void openssl(Path work, String... arguments) throws IOException, InterruptedException {
        Path openssl = Path.of("/usr/bin/openssl");
        assertTrue(Files.isExecutable(openssl), "openssl is not installed (apt-get install openssl)");
        List<String> command = new ArrayList<>(List.of(openssl.toString()));
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
