package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever a client sends, the server answers with an error or drops that one connection; other
 * connections, open before or made after, keep working.
 */
@Timeout(60)
class BadInputTest {
    private static final int SIZE = MemoryDevice.SIZE;
    private static final int MAX = MemoryDevice.MAX_REQUEST;

    private final MemoryDevice device = new MemoryDevice();
    private ExportFixture fixture;
    private NbdClient bystander;

    @BeforeEach
    void export() throws Exception {
        fixture = new ExportFixture(Duration.ofMillis(500), Duration.ofSeconds(10)).withTransport()
                .export(device, "mem");
        bystander = fixture.client().go("mem");
    }

    @AfterEach
    void close() throws Exception {
        bystander.close();
        fixture.close();
    }

    @Test
    void badRequestsGetErrorRepliesAndTheStreamStaysInSync() throws Exception {
        try (NbdClient c = fixture.client().go("mem")) {
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0, SIZE, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0, SIZE - 256, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0, -512, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0, 0, 0);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0, 0, MAX + 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_WRITE, 0, 0, 0);
            expect(c, Nbd.ENOSPC, Nbd.CMD_TRIM, 0, SIZE - 512, 1024);
            expect(c, Nbd.ENOSPC, Nbd.CMD_WRITE_ZEROES, 0, SIZE, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_TRIM, 0, 0, 0);
            expect(c, Nbd.EINVAL, 99, 0, 0, 512);
            expect(c, Nbd.EINVAL, 5, 0, 0, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, Nbd.CMD_FLAG_NO_HOLE, 0, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_READ, 0x80, 0, 512);
            expect(c, Nbd.EINVAL, Nbd.CMD_FLUSH, 0, 0, 512);

            // Refused writes: their payload is read past, so the next header is where it should be.
            c.write(0, 20, SIZE - 2, new byte[4]);
            assertEquals(Nbd.ENOSPC, c.errorFor(20), "write reaching past the end");
            c.write(0, 21, 0, new byte[MAX + 512]);
            assertEquals(Nbd.EINVAL, c.errorFor(21), "write over the largest request");
            c.write(Nbd.CMD_FLAG_NO_HOLE, 22, 0, new byte[512]);
            assertEquals(Nbd.EINVAL, c.errorFor(22), "NO_HOLE is for WRITE_ZEROES only");

            c.write(Nbd.CMD_FLAG_FUA, 30, 512, "hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, c.errorFor(30));
            assertEquals("hello", new String(c.read(31, 512, 5), StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("write 512 5 fua", "read 512 5"), device.calls(), "no bad request reached the device");
        assertOthersUnaffected();
    }

    @Test
    void anAbsurdWriteLengthEndsThatConnection() throws Exception {
        try (NbdClient c = fixture.client().go("mem")) {
            c.request(Nbd.CMD_WRITE, 0, 1, 0, 2L * MAX + 1);
            c.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    @Test
    void aBadRequestMagicEndsThatConnection() throws Exception {
        try (NbdClient c = fixture.client().go("mem")) {
            c.out.writeInt(0xdeadbeef);
            c.out.write(new byte[24]);
            c.out.flush();
            c.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    @Test
    void aTruncatedHeaderEndsThatConnection() throws Exception {
        try (NbdClient c = fixture.client().go("mem")) {
            c.out.writeInt(Nbd.REQUEST_MAGIC);
            c.out.writeShort(0);
            c.endOutput();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 0, new byte[512]);
            assertEquals(0, c.errorFor(1));
            c.request(Nbd.CMD_WRITE, 0, 2, 0, 4096);
            c.out.write(new byte[100]);
            c.endOutput();
            c.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    @Test
    void garbageDuringTheHandshakeEndsThatConnection() throws Exception {
        try (NbdClient c = fixture.client()) {
            c.out.write("garbage instead of flags".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags(Nbd.FLAG_FIXED_NEWSTYLE | 0x100)) {
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags()) {
            c.out.writeLong(0x1122334455667788L);
            c.out.writeLong(0);
            c.out.flush();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags()) {
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_GO);
            c.out.writeInt(-1);
            c.out.flush();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags()) {
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_GO);
            c.endOutput();
            c.assertClosedByServer();
        }
        try (NbdClient c = fixture.client().flags(0)) {
            c.option(Nbd.OPT_LIST, new byte[0]);
            c.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    @Test
    void aClientThatStallsTheHandshakeIsDisconnected() throws Exception {
        try (NbdClient silent = fixture.client()) {
            silent.assertClosedByServer();
        }
        try (NbdClient midway = fixture.client().flags()) {
            midway.option(Nbd.OPT_LIST, new byte[0]);
            midway.optionReplies();
            midway.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    @Test
    void anIdleClientInTransmissionIsNotDisconnected() throws Exception {
        // The bystander negotiated before the test began; it has been idle for longer than the
        // handshake timeout once a stalled negotiation has been cut off.
        try (NbdClient silent = fixture.client()) {
            silent.assertClosedByServer();
        }
        assertOthersUnaffected();
    }

    private void expect(NbdClient c, int error, int type, int flags, long offset, long length) throws Exception {
        long handle = 1000 + type;
        c.request(type, flags, handle, offset, length);
        assertEquals(error, c.errorFor(handle),
                () -> "type " + type + " flags " + flags + " offset " + offset + " length " + length);
    }

    private void assertOthersUnaffected() throws Exception {
        bystander.write(0, 77, 4096, new byte[] {42});
        assertEquals(0, bystander.errorFor(77), "a connection open all along");
        try (NbdClient late = fixture.client().go("mem")) {
            assertEquals(42, late.read(78, 4096, 1)[0], "a connection made afterwards");
        }
    }
}
