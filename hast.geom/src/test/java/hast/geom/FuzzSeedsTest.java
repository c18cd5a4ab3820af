package hast.geom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import hast.testkit.fuzz.SeedCorpus;

import org.junit.jupiter.api.Test;

/**
 * Valid client conversations for {@link NbdFuzzTest}: where the fuzzer starts. Every build
 * compares them with the checked-in files under src/test/resources/hast/geom/NbdFuzzTestInputs;
 * {@code -Dhast.fuzz.seeds=write} writes them anew.
 */
class FuzzSeedsTest {
    /** NBD_OPT_EXTENDED_HEADERS, an option this server does not know. */
    private static final int EXTENDED_HEADERS = 11;
    private static final SeedCorpus SEEDS = new SeedCorpus(NbdFuzzTest.class, "connection");

    @Test
    void conversations() throws Exception {
        SEEDS.seed("go-then-every-command", conversation(
                flags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES),
                option(Nbd.OPT_LIST, new byte[0]),
                option(Nbd.OPT_INFO, exportRequest("mem", Nbd.INFO_NAME, Nbd.INFO_DESCRIPTION)),
                option(Nbd.OPT_GO, exportRequest("mem", Nbd.INFO_BLOCK_SIZE)),
                request(Nbd.CMD_WRITE, Nbd.CMD_FLAG_FUA, 1, 4096, 512), new byte[512],
                request(Nbd.CMD_READ, 0, 2, 4096, 512),
                request(Nbd.CMD_FLUSH, 0, 3, 0, 0),
                request(Nbd.CMD_TRIM, 0, 4, 8192, 4096),
                request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_NO_HOLE, 5, 0, 1024),
                request(Nbd.CMD_READ, 0, 6, 65536 - 512, 1024),
                request(Nbd.CMD_DISC, 0, 7, 0, 0)));
        SEEDS.seed("export-name-oldstyle-client", conversation(
                flags(0),
                option(Nbd.OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8)),
                request(Nbd.CMD_WRITE, 0, 1, 0, 4096), new byte[4096],
                request(Nbd.CMD_DISC, 0, 2, 0, 0)));
        SEEDS.seed("structured-block-status", conversation(
                flags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES),
                option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]),
                option(Nbd.OPT_LIST_META_CONTEXT, NbdClient.metaContexts("mem")),
                option(Nbd.OPT_SET_META_CONTEXT, NbdClient.metaContexts("mem", "base:", Nbd.BASE_ALLOCATION)),
                option(Nbd.OPT_GO, exportRequest("mem")),
                request(Nbd.CMD_WRITE, 0, 1, 8192, 512), new byte[512],
                request(Nbd.CMD_BLOCK_STATUS, 0, 2, 0, 65536),
                request(Nbd.CMD_BLOCK_STATUS, Nbd.CMD_FLAG_REQ_ONE, 3, 4096, 8192),
                request(Nbd.CMD_BLOCK_STATUS, 0, 4, 65536 - 512, 1024),
                request(Nbd.CMD_READ, 0, 5, 8192, 512),
                request(Nbd.CMD_READ, Nbd.CMD_FLAG_NO_HOLE, 6, 0, 512),
                request(Nbd.CMD_DISC, 0, 7, 0, 0)));
        SEEDS.seed("unknown-option-then-abort", conversation(
                flags(Nbd.FLAG_FIXED_NEWSTYLE),
                option(EXTENDED_HEADERS, new byte[0]),
                option(Nbd.OPT_ABORT, new byte[0])));
    }

    /** Byte 0 (the size of each read: 62 bytes), then what the client sends. */
    private static byte[] conversation(byte[]... parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        for (byte[] p : parts) {
            out.write(p);
        }
        return out.toByteArray();
    }

    private static byte[] flags(int flags) {
        return ByteBuffer.allocate(4).putInt(flags).array();
    }

    private static byte[] option(int option, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).putLong(Nbd.IHAVEOPT).putInt(option).putInt(data.length).put(data)
                .array();
    }

    private static byte[] exportRequest(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
                .putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    private static byte[] request(int type, int flags, long handle, long offset, int length) {
        return ByteBuffer.allocate(Nbd.REQUEST_HEADER).putInt(Nbd.REQUEST_MAGIC).putShort((short) flags)
                .putShort((short) type).putLong(handle).putLong(offset).putInt(length).array();
    }
}
