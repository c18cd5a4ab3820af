package hast.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a primary's disk: by default a Unix socket only root can open, in a directory the
 * daemon keeps its own (issue 12); a TCP export only with TLS, or with an explicit
 * {@code export-insecure on} the log warns about. Real clients throughout, {@code nobody}'s
 * through setpriv.
 */
class ExportSecurityIT {
    /** The default export (hast.conf(5)): one socket for every resource. */
    private static final Path DEFAULT_SOCKET = Path.of("/run/hast/nbd.sock");
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** hast.conf with one resource r on a fresh 16 MiB file, no peer, and {@code exportLines} in the global section. */
    private Node node(String... exportLines) throws Exception {
        List<String> globals = new ArrayList<>(List.of("pidfile " + dir.resolve("hastd.pid")));
        globals.addAll(List.of(exportLines));
        return Node.solo(dir, Node.disk(dir.resolve("disk.img"), 16 * MIB), globals);
    }

    private Node primary(Node n) throws Exception {
        n.ctl("create", "r").expect(0);
        n.start();
        n.ctl("role", "primary", "r").expect(0);
        return n;
    }

    /** {@code cmd} as nobody, with no groups: any local user who is not root. */
    private Node.Result asNobody(Node n, String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        full.addAll(List.of(cmd));
        return n.run(full, Map.of("HOME", "/"));
    }

    @Test
    void theDefaultExportIsRootsAlone() throws Exception {
        try (Node n = primary(node())) {
            Node.awaitTrue("the default export socket", () -> Files.exists(DEFAULT_SOCKET));
            assertEquals("rwx------", mode(DEFAULT_SOCKET.getParent()));
            assertEquals("root", Files.getOwner(DEFAULT_SOCKET.getParent()).getName());
            assertEquals("rw-------", mode(DEFAULT_SOCKET));
            assertEquals("root", Files.getOwner(DEFAULT_SOCKET).getName());
            String unix = "nbd+unix:///r?socket=" + DEFAULT_SOCKET;
            n.run(List.of("qemu-io", "-f", "raw", "-c", "write -P 0x3c 0 64k", unix), Map.of()).expect(0);
            assertTrue(n.run(List.of("nbdinfo", unix), Map.of()).expect(0).out().contains("export-size: 16"));

            Node.Result info = asNobody(n, "nbdinfo", unix);
            assertNotEquals(0, info.exit(), info.toString());
            assertTrue((info.out() + info.err()).contains("Permission denied"), info.toString());
            Node.Result write = asNobody(n, "qemu-io", "-f", "raw", "-c", "write -P 0x66 0 64k", unix);
            assertNotEquals(0, write.exit(), write.toString());
            Node.Result copy = asNobody(n, "nbdcopy", unix, "null:");
            assertNotEquals(0, copy.exit(), copy.toString());
            // Nothing listens on TCP, the former default included.
            for (String tcp : List.of("nbd://127.0.0.1:10809/r", "nbd://127.0.0.1/r")) {
                Node.Result overTcp = asNobody(n, "nbdinfo", tcp);
                assertNotEquals(0, overTcp.exit(), overTcp.toString());
            }
            n.run(List.of("qemu-io", "-f", "raw", "-c", "read -P 0x3c 0 64k", unix), Map.of()).expect(0);
        }
    }

    @Test
    void anUnsafeExportDirectoryStopsTheStart() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Node n = node("export uds://" + shared.resolve("nbd.sock"));
        Node.Result r = n.run(List.of(Node.RUN.resolve("hastd").toString(), "-F", "-u", "root", "-c",
                n.conf.toString()), Map.of()).expect(77);
        assertTrue(r.err().contains("Refusing to start: Directory " + shared + " of NBD socket "
                + shared.resolve("nbd.sock") + " is writable by its group (mode rwxrwxrwx)"), r.err());

        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(shared, shared.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Node.Result theirs = n.run(List.of(Node.RUN.resolve("hastd").toString(), "-F", "-u", "root", "-c",
                n.conf.toString()), Map.of()).expect(77);
        assertTrue(theirs.err().contains("Directory " + shared + " of NBD socket " + shared.resolve("nbd.sock")
                + " belongs to nobody, not to the daemon's user (uid 0) or root"), theirs.err());
    }

    @Test
    void aMissingExportDirectoryIsMadeRootsAlone() throws Exception {
        Path socket = dir.resolve("run/hast/nbd.sock");
        try (Node n = primary(node("export uds://" + socket))) {
            Node.awaitTrue("the export socket", () -> Files.exists(socket));
            assertEquals("rwx------", mode(socket.getParent()));
            Node.Result info = asNobody(n, "nbdinfo", "nbd+unix:///r?socket=" + socket);
            assertNotEquals(0, info.exit(), info.toString());
        }
    }

    @Test
    void aDaemonDroppedToAnotherUserExportsInADirectoryOfThatUser() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("run/nbd.sock");
        Node n = node("export uds://" + socket);
        n.ctl("create", "r").expect(0);
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir.resolve("disk.img"), nobody);
        try (Node daemon = n.start("-u", "nobody")) {
            Node.awaitTrue("the privilege drop", () -> n.logText().contains("Privileges successfully dropped to nobody"));
            assertEquals("nobody", Files.getOwner(socket.getParent()).getName(), "made at start for the daemon's user");
            assertEquals("rwx------", mode(socket.getParent()));
            n.ctl("role", "primary", "r").expect(0);
            Node.awaitTrue("the export socket", () -> Files.exists(socket));
            assertEquals("rw-------", mode(socket));
            n.run(List.of("nbdinfo", "nbd+unix:///r?socket=" + socket), Map.of()).expect(0);
        }
    }

    @Test
    void aPlainTcpExportNeedsConsentAndIsLoggedAsOpen() throws Exception {
        int port = Node.freePort();
        Node refused = node("export tcp://127.0.0.1:" + port);
        Node.Result r = refused.run(List.of(Node.RUN.resolve("hastd").toString(), "-F", "-u", "root", "-c",
                refused.conf.toString()), Map.of()).expect(78);
        assertTrue(r.err().contains(":4: export tcp://127.0.0.1:" + port + " of resource r is plain TCP, open to"
                + " anyone who can reach it"), r.err());

        try (Node n = primary(node("export tcp://127.0.0.1:" + port, "export-insecure on"))) {
            Node.awaitTrue("the insecure export's warning", () -> n.logText().contains("WARNING")
                    && n.logText().contains("NBD export on tcp://127.0.0.1:" + port + " is plain TCP (export-insecure):"
                    + " anyone who can reach that address can read and write the disks exported there."));
            n.run(List.of("nbdinfo", "nbd://127.0.0.1:" + port + "/r"), Map.of()).expect(0);
        }
    }

    @Test
    void aTlsExportServesTlsClientsOnly() throws Exception {
        int port = Node.freePort();
        TlsCredentials tls = new TlsCredentials(new Node("solo", dir, dir.resolve("hast.conf")), dir.resolve("tls"));
        try (Node primary = primary(node("export tcp://127.0.0.1:" + port, "export-tls " + tls.server))) {
            String nbds = "nbds://127.0.0.1:" + port + "/r?tls-certificates=" + tls.client;
            Node.awaitTrue("the TLS export", () -> run(primary, "nbdinfo", nbds).exit() == 0);
            byte[] image = new byte[4 * MIB];
            new Random(12).nextBytes(image);
            Path in = Files.write(dir.resolve("in.img"), image);
            run(primary, "nbdcopy", in.toString(), nbds).expect(0);
            run(primary, "qemu-io", "--object", "tls-creds-x509,id=tls0,dir=" + tls.client + ",endpoint=client",
                    "--image-opts", "-c", "write -P 0x7e 8M 1M", "-c", "read -P 0x7e 8M 1M",
                    "driver=nbd,host=127.0.0.1,port=" + port + ",export=r,tls-creds=tls0").expect(0);
            Path out = dir.resolve("out.img");
            run(primary, "nbdcopy", nbds, out.toString()).expect(0);
            byte[] back = Files.readAllBytes(out);
            assertArrayEquals(image, java.util.Arrays.copyOf(back, image.length), "nbdcopy's image read back");
            for (int i = 8 * MIB; i < 9 * MIB; i++) {
                assertEquals((byte) 0x7e, back[i], "qemu-io's byte " + i);
            }
            Node.Result plain = run(primary, "nbdinfo", "nbd://127.0.0.1:" + port + "/r");
            assertNotEquals(0, plain.exit(), "a client without TLS: " + plain);
            Node.Result plainQemu = run(primary, "qemu-io", "-f", "raw", "-c", "read 0 4k",
                    "nbd://127.0.0.1:" + port + "/r");
            assertNotEquals(0, plainQemu.exit(), "qemu without TLS: " + plainQemu);
        }
    }

    private static Node.Result run(Node n, String... cmd) {
        try {
            return n.run(List.of(cmd), Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
