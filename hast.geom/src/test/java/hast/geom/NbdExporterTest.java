package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.engine.transport.TcpTransport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The NBD server over real loopback sockets, driven by a minimal client written here. */
class NbdExporterTest {
    private static final int SIZE = 1 << 20;

    private final NbdExporter exporter = new NbdExporter();
    private final MemoryDevice device = new MemoryDevice();
    private int port;

    @BeforeEach
    void export() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        exporter.bindDevice(device, Map.of(HastDevice.NAME, "mem", HastDevice.EXPORT, "tcp://127.0.0.1:" + port));
        exporter.bindTransport(new TcpTransport(), Map.of(Transport.SCHEME, new String[] {"tcp", "tcp4", "tcp6"}));
    }

    @AfterEach
    void close() {
        device.releaseAll();
        exporter.deactivate();
    }

    @Test
    void listInfoAndGoNegotiateTheExport() throws IOException {
        try (Client c = new Client(port)) {
            c.option(Nbd.OPT_LIST, new byte[0]);
            assertEquals(Nbd.REP_SERVER, c.optionReply().type);
            assertEquals(Nbd.REP_ACK, c.optionReply().type);
            c.option(Nbd.OPT_GO, goPayload("nosuch"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type);
            c.option(Nbd.OPT_GO, goPayload("mem"));
            OptionReply info = c.optionReply();
            assertEquals(Nbd.REP_INFO, info.type);
            ByteBuffer d = ByteBuffer.wrap(info.data);
            assertEquals(Nbd.INFO_EXPORT, d.getShort());
            assertEquals(SIZE, d.getLong());
            assertEquals(Nbd.TRANSMISSION_FLAGS, d.getShort());
            assertEquals(Nbd.REP_INFO, c.optionReply().type); // block sizes
            assertEquals(Nbd.REP_ACK, c.optionReply().type);
            c.request(Nbd.CMD_WRITE, 0, 1, 0, new byte[] {1, 2, 3, 4});
            assertEquals(0, c.reply(1));
        }
    }

    @Test
    void repliesLeaveAsRequestsCompleteInAnyOrder() throws Exception {
        device.hold(0);
        try (Client c = Client.go(port, "mem")) {
            c.request(Nbd.CMD_READ, 0, 1, 0, 512);
            c.request(Nbd.CMD_READ, 0, 2, 4096, 512);
            assertEquals(2, c.nextReplyHandle(), "the second request completes first");
            c.skip(512);
            device.release(0);
            assertEquals(1, c.nextReplyHandle());
        }
    }

    @Test
    void badRequestsGetErrorsAndTheStreamStaysInSync() throws IOException {
        try (Client c = Client.go(port, "mem")) {
            c.request(Nbd.CMD_WRITE, 0, 1, SIZE - 2, new byte[4]);
            assertEquals(Nbd.ENOSPC, c.reply(1));
            c.request(Nbd.CMD_READ, 0, 2, SIZE, 512);
            assertEquals(Nbd.EINVAL, c.reply(2));
            c.request(Nbd.CMD_READ, 0, 3, 0, 0);
            assertEquals(Nbd.EINVAL, c.reply(3));
            c.request(99, 0, 4, 0, 0);
            assertEquals(Nbd.EINVAL, c.reply(4));
            c.request(Nbd.CMD_WRITE, 0, 5, 0, new byte[(1 << 20) + 512]);
            assertEquals(Nbd.EINVAL, c.reply(5), "over the maximum request: refused, payload consumed");
            c.request(Nbd.CMD_WRITE, Nbd.CMD_FLAG_FUA, 6, 512, "hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, c.reply(6));
            assertEquals("hello", new String(device.data, 512, 5, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void protocolViolationsDropOnlyThatConnection() throws IOException {
        try (Client bad = Client.go(port, "mem")) {
            bad.out.writeInt(0xdeadbeef);
            bad.out.write(new byte[24]);
            bad.out.flush();
            assertTrue(bad.closedByServer());
        }
        try (Socket garbage = new Socket()) {
            garbage.connect(new InetSocketAddress("127.0.0.1", port));
            garbage.getOutputStream().write("garbage instead of flags".getBytes());
        }
        try (Client good = Client.go(port, "mem")) {
            good.request(Nbd.CMD_FLUSH, 0, 7, 0, 0);
            assertEquals(0, good.reply(7));
        }
    }

    @Test
    void withdrawingADeviceAnswersInFlightRequestsFirst() throws Exception {
        device.hold(0);
        try (Client c = Client.go(port, "mem")) {
            c.request(Nbd.CMD_WRITE, 0, 1, 0, new byte[512]);
            device.awaitHeld();
            CountDownLatch withdrawn = new CountDownLatch(1);
            Thread unbind = new Thread(() -> {
                exporter.unbindDevice(device);
                withdrawn.countDown();
            });
            unbind.start();
            assertFalse(withdrawn.await(200, TimeUnit.MILLISECONDS), "unbind waits for the write in flight");
            device.release(0);
            assertEquals(0, c.reply(1), "the acknowledged write is answered before the export goes");
            assertTrue(withdrawn.await(10, TimeUnit.SECONDS));
            assertTrue(c.closedByServer());
        }
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000));
        }
    }

    private static void assertThrows(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(type, e);
    }

    private static byte[] goPayload(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + n.length + 2).putInt(n.length).put(n).putShort((short) 0).array();
    }

    private record OptionReply(int type, byte[] data) {
    }

    /** Just enough of an NBD client to drive the server byte by byte. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final DataInputStream in;
        final DataOutputStream out;

        Client(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            assertEquals(Nbd.NBDMAGIC, in.readLong());
            assertEquals(Nbd.IHAVEOPT, in.readLong());
            in.readShort();
            out.writeInt(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
        }

        static Client go(int port, String name) throws IOException {
            Client c = new Client(port);
            c.option(Nbd.OPT_GO, goPayload(name));
            while (c.optionReply().type != Nbd.REP_ACK) {
                // INFO replies precede the acknowledgement.
            }
            return c;
        }

        void option(int option, byte[] data) throws IOException {
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(option);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        OptionReply optionReply() throws IOException {
            assertEquals(Nbd.OPTION_REPLY_MAGIC, in.readLong());
            in.readInt();
            int type = in.readInt();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new OptionReply(type, data);
        }

        void request(int type, int flags, long handle, long offset, int length) throws IOException {
            out.writeInt(Nbd.REQUEST_MAGIC);
            out.writeShort(flags);
            out.writeShort(type);
            out.writeLong(handle);
            out.writeLong(offset);
            out.writeInt(length);
            out.flush();
        }

        void request(int type, int flags, long handle, long offset, byte[] payload) throws IOException {
            request(type, flags, handle, offset, payload.length);
            out.write(payload);
            out.flush();
        }

        /** The error of the next reply, which must be for {@code handle}. */
        int reply(long handle) throws IOException {
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, in.readInt());
            int error = in.readInt();
            assertEquals(handle, in.readLong());
            return error;
        }

        long nextReplyHandle() throws IOException {
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, in.readInt());
            assertEquals(0, in.readInt());
            return in.readLong();
        }

        void skip(int n) throws IOException {
            in.readFully(new byte[n]);
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketException | EOFException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A device in memory whose requests at chosen offsets wait until released. */
    private static final class MemoryDevice implements HastDevice {
        final byte[] data = new byte[SIZE];
        private final Map<Long, CompletableFuture<Void>> gates = new java.util.concurrent.ConcurrentHashMap<>();
        private final CountDownLatch held = new CountDownLatch(1);

        void hold(long offset) {
            gates.put(offset, new CompletableFuture<>());
        }

        void release(long offset) {
            gates.remove(offset).complete(null);
        }

        void releaseAll() {
            gates.values().forEach(g -> g.complete(null));
        }

        void awaitHeld() throws InterruptedException {
            assertTrue(held.await(10, TimeUnit.SECONDS));
        }

        private CompletionStage<Void> gated(long offset, Runnable io) {
            CompletableFuture<Void> gate = gates.get(offset);
            if (gate == null) {
                io.run();
                return CompletableFuture.completedFuture(null);
            }
            held.countDown();
            return gate.thenRunAsync(io);
        }

        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        public int maxRequest() {
            return 1 << 20;
        }

        @Override
        public CompletionStage<Void> read(long offset, ByteBuffer dst) {
            return gated(offset, () -> dst.put(data, (int) offset, dst.remaining()));
        }

        @Override
        public CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua) {
            return gated(offset, () -> src.get(data, (int) offset, src.remaining()));
        }

        @Override
        public CompletionStage<Void> flush() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> trim(long offset, long length) {
            return gated(offset, () -> Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0));
        }

        @Override
        public CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua) {
            return trim(offset, length);
        }
    }
}
