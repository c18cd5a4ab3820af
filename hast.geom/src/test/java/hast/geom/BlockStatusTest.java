package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured replies and block status ({@code base:allocation}) on the export: real sparse-aware
 * clients (nbdinfo, qemu-img, nbdcopy) against a device with holes, and the protocol's answers
 * to block status asked wrongly, after which the connection goes on.
 */
@Timeout(120)
class BlockStatusTest {
    /** Data at [0, 64K) and [512K, 576K) of the 1 MiB device, zeros elsewhere. */
    private static final int DATA = 64 * 1024;
    private static final int SECOND = 512 * 1024;

    private final MemoryDevice device = new MemoryDevice();
    @TempDir
    Path dir;
    private ExportFixture fixture;

    @BeforeEach
    void export() throws Exception {
        Arrays.fill(device.data, 0, DATA, (byte) 0x5a);
        Arrays.fill(device.data, SECOND, SECOND + DATA, (byte) 0xa5);
        fixture = new ExportFixture().withTransport().export(device, "mem");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void nbdinfoMapsDataAndHoles() throws Exception {
        String map = ExternalTool.succeed(dir, "/usr/bin/nbdinfo", "--map", uri());
        List<String> lines = map.lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
        assertEquals(List.of("0 65536 0 data", "65536 458752 3 hole,zero", "524288 65536 0 data",
                "589824 458752 3 hole,zero"), lines, map);
    }

    @Test
    void qemuImgMapSeesTheHoles() throws Exception {
        String map = ExternalTool.succeed(dir, "/usr/bin/qemu-img", "map", "--output=json", "-f", "raw", uri());
        String compact = map.replace(" ", "");
        assertTrue(compact.contains("\"start\":0,\"length\":65536,\"depth\":0,\"present\":true,\"zero\":false,\"data\":true"),
                map);
        assertTrue(compact.contains("\"start\":65536,\"length\":458752,\"depth\":0,\"present\":true,\"zero\":true,"
                + "\"data\":false"), map);
    }

    @Test
    void nbdcopyReadsOnlyTheDataAndCopiesItExactly() throws Exception {
        Path copy = dir.resolve("copy.img");
        device.forget();
        ExternalTool.succeed(dir, "/usr/bin/nbdcopy", "--request-size=65536", uri(), copy.toString());
        assertArrayEquals(device.data, Files.readAllBytes(copy), "the copy equals the device byte for byte");
        for (String call : device.calls()) {
            if (call.startsWith("read ")) {
                long offset = Long.parseLong(call.split(" ")[1]);
                assertTrue(offset < DATA || offset >= SECOND && offset < SECOND + DATA,
                        "nbdcopy read a hole: " + call + " of " + device.calls());
            }
        }
    }

    @Test
    void blockStatusAskedWronglyGetsTheProtocolsErrorsAndTheConnectionGoesOn() throws Exception {
        try (NbdClient c = fixture.client()) {
            c.flags();
            c.option(Nbd.OPT_SET_META_CONTEXT, NbdClient.metaContexts("mem", Nbd.BASE_ALLOCATION));
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "a context needs structured replies first");
            c.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(Nbd.REP_ACK, c.optionReply().type());
            c.option(Nbd.OPT_LIST_META_CONTEXT, NbdClient.metaContexts("mem"));
            List<NbdClient.OptionReply> listed = c.optionReplies();
            assertEquals(2, listed.size(), "one context, then the ACK");
            assertEquals(Nbd.BASE_ALLOCATION, new String(listed.get(0).data(), 4, listed.get(0).data().length - 4));
            c.option(Nbd.OPT_SET_META_CONTEXT, NbdClient.metaContexts("nothere", Nbd.BASE_ALLOCATION));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type());
            c.option(Nbd.OPT_SET_META_CONTEXT, new byte[] {0, 0, 0, 9, 'm'});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "a truncated query");
            c.option(Nbd.OPT_SET_META_CONTEXT, NbdClient.metaContexts("mem", "base:", "x-other:thing"));
            assertEquals(Nbd.REP_ACK, c.optionReply().type(), "SET selects contexts by full name only");
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            c.optionReplies();
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 1, 0, 4096);
            assertError(c.chunk(), 1, Nbd.EINVAL);
            c.request(Nbd.CMD_FLUSH, 0, 2, 0, 0);
            assertEquals(0, c.errorFor(2), "the connection goes on");
        }
        try (NbdClient c = fixture.client()) {
            c.flags();
            c.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            c.optionReply();
            c.option(Nbd.OPT_SET_META_CONTEXT, NbdClient.metaContexts("mem", Nbd.BASE_ALLOCATION));
            List<NbdClient.OptionReply> set = c.optionReplies();
            assertEquals(Nbd.REP_META_CONTEXT, set.get(0).type());
            assertEquals(Nbd.BASE_ALLOCATION_ID, ByteBuffer.wrap(set.get(0).data()).getInt());
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            c.optionReplies();
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 1, 0, 0);
            assertError(c.chunk(), 1, Nbd.EINVAL);
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 2, MemoryDevice.SIZE - 4096, 8192);
            assertError(c.chunk(), 2, Nbd.EINVAL);
            c.request(Nbd.CMD_BLOCK_STATUS, Nbd.CMD_FLAG_FUA, 3, 0, 4096);
            assertError(c.chunk(), 3, Nbd.EINVAL);
            c.request(Nbd.CMD_READ, 0x80, 4, 0, 4096);
            assertError(c.chunk(), 4, Nbd.EINVAL);
            c.request(Nbd.CMD_BLOCK_STATUS, Nbd.CMD_FLAG_REQ_ONE, 5, 0, MemoryDevice.SIZE);
            ByteBuffer one = statusOf(c.chunk(), 5);
            assertEquals(List.of(DATA, 0), descriptors(one), "REQ_ONE: the first run only");
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 6, DATA - 512, 1024);
            assertEquals(List.of(512, 0, 512, Nbd.STATE_HOLE | Nbd.STATE_ZERO), descriptors(statusOf(c.chunk(), 6)));
            c.request(Nbd.CMD_READ, 0, 7, SECOND, 16);
            NbdClient.Chunk data = c.chunk();
            assertEquals(Nbd.REPLY_TYPE_OFFSET_DATA, data.type());
            assertEquals(Nbd.REPLY_FLAG_DONE, data.flags());
            assertEquals(SECOND, data.payload().getLong());
            assertEquals((byte) 0xa5, data.payload().get());
            c.request(Nbd.CMD_FLUSH, 0, 8, 0, 0);
            assertEquals(0, c.errorFor(8), "other successes stay simple replies");
        }
    }

    private static void assertError(NbdClient.Chunk chunk, long handle, int error) {
        assertEquals(handle, chunk.handle());
        assertEquals(Nbd.REPLY_TYPE_ERROR, chunk.type());
        assertEquals(Nbd.REPLY_FLAG_DONE, chunk.flags());
        assertEquals(error, chunk.payload().getInt());
    }

    private static ByteBuffer statusOf(NbdClient.Chunk chunk, long handle) {
        assertEquals(handle, chunk.handle());
        assertEquals(Nbd.REPLY_TYPE_BLOCK_STATUS, chunk.type());
        assertEquals(Nbd.BASE_ALLOCATION_ID, chunk.payload().getInt());
        return chunk.payload();
    }

    private static List<Integer> descriptors(ByteBuffer b) {
        List<Integer> values = new ArrayList<>();
        while (b.hasRemaining()) {
            values.add(b.getInt());
        }
        return values;
    }

    private String uri() {
        return "nbd://127.0.0.1:" + fixture.port + "/mem";
    }
}
