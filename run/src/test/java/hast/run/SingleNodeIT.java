package hast.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node, end to end, as an administrator would use it: the real launcher, hastctl, and
 * unmodified Debian NBD clients (qemu-io, nbdcopy) against the primary's export.
 */
class SingleNodeIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private Node node;
    private int nbdPort;
    private String url;

    @BeforeEach
    void createAndStart() throws Exception {
        nbdPort = Node.freePort();
        url = "nbd://127.0.0.1:" + nbdPort + "/disk0";
        Node.disk(dir.resolve("disk0.img"), 64 * MIB);
        Path conf = dir.resolve("hast.conf");
        Files.writeString(conf, String.join("\n",
                "# one node, no peer yet",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(),
                "pidfile " + dir.resolve("hastd.pid"),
                "export tcp://127.0.0.1:" + nbdPort,
                "export-insecure on",
                "resource disk0 {",
                "    on solo {",
                "        local " + dir.resolve("disk0.img"),
                "        remote none",
                "    }",
                "}", ""));
        node = new Node("solo", dir, conf);
        node.hastctl("create", "-c", conf.toString(), "disk0").expect(0);
        node.start();
        node.hastctl("role", "-c", conf.toString(), "primary", "disk0").expect(0);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void qemuIoWritesLandAfterTheMetadataAndReadBack() throws Exception {
        qemuIo("write -P 0xa5 1M 256k", "read -P 0xa5 1M 256k", "flush").expect(0);
        long localoff = localoff();
        byte[] onDisk = new byte[256 * 1024];
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("disk0.img").toFile(), "r")) {
            f.seek(localoff + MIB);
            f.readFully(onDisk);
        }
        for (byte b : onDisk) {
            assertEquals((byte) 0xa5, b);
        }
        Node.Result list = node.ctl("list", "disk0").expect(Node.DEGRADED);
        assertTrue(list.out().contains("  status: degraded"), list.out());
        assertTrue(list.out().contains("    writes: 1"), list.out());
        assertTrue(list.out().contains("    flushes: "), list.out());
        // No secondary has this write: its extent stays dirty.
        assertTrue(list.out().contains("  dirty: 2097152 (2.0MB)"), list.out());
    }

    @Test
    void trimAndWriteZeroesReadBackAsZeros() throws Exception {
        qemuIo("write -P 0x77 0 2M").expect(0);
        qemuIo("discard 0 1M", "write -z 1M 512k", "read -P 0 0 1536k", "read -P 0x77 1536k 512k").expect(0);
        Node.Result list = node.ctl("list", "disk0").expect(Node.DEGRADED);
        assertTrue(list.out().contains("    deletes: 1"), list.out());
    }

    @Test
    void nbdcopyRoundTripsRandomData() throws Exception {
        byte[] data = new byte[8 * MIB];
        new Random(42).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Path out = dir.resolve("out.bin");
        Files.write(in, data);
        run(List.of("nbdcopy", in.toString(), url)).expect(0);
        // Back out again: nbdcopy copies the whole export, of which we compare the part we wrote.
        run(List.of("nbdcopy", url, out.toString())).expect(0);
        byte[] back = new byte[data.length];
        try (InputStream s = Files.newInputStream(out)) {
            assertEquals(data.length, s.readNBytes(back, 0, back.length));
        }
        assertArrayEquals(data, back);
    }

    @Test
    void malformedNbdTrafficIsRefusedAndTheExportKeepsServing() throws Exception {
        // Garbage instead of the client flags.
        try (Socket s = connect()) {
            readFully(s.getInputStream(), 18);
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
            assertTrue(s.getInputStream().read() < 0 || drains(s), "server should close a garbage handshake");
        }
        // A proper handshake, then a request with a bad magic.
        try (Socket s = connect()) {
            handshake(s);
            OutputStream o = s.getOutputStream();
            o.write(ByteBuffer.allocate(28).putInt(0xdeadbeef).array());
            o.flush();
            assertTrue(drains(s), "server should drop a connection with a bad request magic");
        }
        // A read past the end gets an error reply, and the same connection keeps working.
        try (Socket s = connect()) {
            handshake(s);
            sendRequest(s, 0 /* READ */, 1, 1L << 40, 4096);
            assertEquals(22 /* EINVAL */, readReplyError(s, 1));
            sendRequest(s, 0 /* READ */, 2, 0, 4096);
            assertEquals(0, readReplyError(s, 2));
            readFully(s.getInputStream(), 4096);
        }
        qemuIo("write -P 0x11 0 4k", "read -P 0x11 0 4k").expect(0);
    }

    @Test
    void roleInitClosesTheExportAndDaemonStopsCleanly() throws Exception {
        qemuIo("write -P 0x42 0 64k").expect(0);
        node.ctl("role", "init", "disk0").expect(0);
        assertFalse(qemuIo("read 0 4k").exit() == 0, "export should be gone in role init");
        Node.Result dump = node.ctl("dump", "disk0").expect(0);
        // The last role that wrote the metadata; releasing the role flushed it.
        assertTrue(dump.out().contains("prevrole: primary"), dump.out());
        assertEquals(0, node.stop());
        assertFalse(Files.exists(dir.resolve("hastd.pid")));
    }

    @Test
    void sigtermFinishesWritesAndFlushesMetadata() throws Exception {
        qemuIo("write -P 0x42 0 64k").expect(0);
        assertEquals(0, node.stop());
        Node.Result dump = node.ctl("dump", "disk0").expect(0);
        assertTrue(dump.out().contains("prevrole: primary"), dump.out());
    }

    private Node.Result qemuIo(String... commands) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(url);
        return run(cmd);
    }

    private Node.Result run(List<String> cmd) throws IOException, InterruptedException {
        return node.run(cmd, Map.of());
    }

    private long localoff() throws Exception {
        Node.Result dump = node.ctl("dump", "disk0").expect(0);
        Matcher m = Pattern.compile("localoff: (\\d+)").matcher(dump.out());
        assertTrue(m.find(), dump.out());
        return Long.parseLong(m.group(1));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", nbdPort), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Fixed newstyle handshake ending with NBD_OPT_EXPORT_NAME "disk0". */
    private static void handshake(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteBuffer greeting = ByteBuffer.wrap(readFully(in, 18));
        assertEquals(0x4e42444d41474943L, greeting.getLong());
        assertEquals(0x49484156454F5054L, greeting.getLong());
        OutputStream o = s.getOutputStream();
        byte[] name = "disk0".getBytes();
        o.write(ByteBuffer.allocate(4 + 16 + name.length).putInt(3 /* FIXED_NEWSTYLE | NO_ZEROES */)
                .putLong(0x49484156454F5054L).putInt(1 /* EXPORT_NAME */).putInt(name.length).put(name).array());
        o.flush();
        readFully(in, 10); // size and transmission flags (NO_ZEROES: no padding)
    }

    private static void sendRequest(Socket s, int type, long handle, long offset, int length) throws IOException {
        s.getOutputStream().write(ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) 0)
                .putShort((short) type).putLong(handle).putLong(offset).putInt(length).array());
        s.getOutputStream().flush();
    }

    private static int readReplyError(Socket s, long handle) throws IOException {
        ByteBuffer reply = ByteBuffer.wrap(readFully(s.getInputStream(), 16));
        assertEquals(0x67446698, reply.getInt());
        int error = reply.getInt();
        assertEquals(handle, reply.getLong());
        return error;
    }

    private static boolean drains(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        while (true) {
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (java.net.SocketException reset) {
                return true;
            }
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new java.io.EOFException("expected " + n + " bytes, got " + b.length);
        }
        return b;
    }

}
