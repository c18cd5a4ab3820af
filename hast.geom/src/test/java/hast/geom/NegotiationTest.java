package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixed newstyle handshake, option by option, against a server with one export. */
@Timeout(60)
class NegotiationTest {
    private final MemoryDevice device = new MemoryDevice();
    private ExportFixture fixture;

    @BeforeEach
    void export() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem");
    }

    @AfterEach
    void close() {
        device.releaseAll();
        fixture.close();
    }

    @Test
    void greetingOffersFixedNewstyleAndNoZeroes() throws Exception {
        try (NbdClient c = fixture.client()) {
            assertEquals(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES, c.serverFlags);
        }
    }

    @Test
    void listNamesEveryExportWithItsDescription() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_LIST, new byte[0]);
            List<NbdClient.OptionReply> replies = c.optionReplies();
            assertEquals(2, replies.size());
            assertEquals(Nbd.REP_SERVER, replies.get(0).type());
            assertEquals(Nbd.OPT_LIST, replies.get(0).option());
            ByteBuffer entry = ByteBuffer.wrap(replies.get(0).data());
            byte[] name = new byte[entry.getInt()];
            entry.get(name);
            assertEquals("mem", new String(name, StandardCharsets.UTF_8));
            assertEquals("HAST resource r-mem", StandardCharsets.UTF_8.decode(entry).toString());
            assertEquals(Nbd.REP_ACK, replies.get(1).type());

            c.option(Nbd.OPT_LIST, new byte[] {1});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "LIST takes no data");
        }
    }

    @Test
    void infoDescribesTheExportAndNegotiationGoesOn() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_INFO, c.infoRequest("mem", Nbd.INFO_NAME, Nbd.INFO_DESCRIPTION, Nbd.INFO_BLOCK_SIZE, 77));
            Map<Integer, ByteBuffer> infos = infos(c.optionReplies());
            assertEquals(MemoryDevice.SIZE, infos.get(Nbd.INFO_EXPORT).getLong());
            assertEquals(Nbd.TRANSMISSION_FLAGS, infos.get(Nbd.INFO_EXPORT).getShort());
            ByteBuffer sizes = infos.get(Nbd.INFO_BLOCK_SIZE);
            assertEquals(MemoryDevice.BLOCK, sizes.getInt(), "minimum");
            assertEquals(4096, sizes.getInt(), "preferred");
            assertEquals(MemoryDevice.MAX_REQUEST, sizes.getInt(), "maximum");
            assertEquals("mem", StandardCharsets.UTF_8.decode(infos.get(Nbd.INFO_NAME)).toString());
            assertEquals("HAST resource r-mem", StandardCharsets.UTF_8.decode(infos.get(Nbd.INFO_DESCRIPTION)).toString());
            assertEquals(4, infos.size(), "the unknown information request 77 is ignored");

            // INFO leaves the client negotiating: GO still works afterwards.
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            infos = infos(c.optionReplies());
            assertEquals(2, infos.size(), "export and block sizes are volunteered; name and description only on request");
            assertTransmissionWorks(c);
        }
    }

    @Test
    void unknownExportIsAnErrorForInfoAndGo() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_INFO, c.infoRequest("nosuch"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type());
            c.option(Nbd.OPT_GO, c.infoRequest("nosuch"));
            NbdClient.OptionReply refused = c.optionReply();
            assertEquals(Nbd.REP_ERR_UNKNOWN, refused.type());
            assertTrue(refused.text().contains("nosuch"), refused.text());
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            assertEquals(Nbd.REP_ACK, last(c.optionReplies()).type());
            assertTransmissionWorks(c);
        }
    }

    @Test
    void malformedInfoRequestsAreInvalid() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_GO, new byte[] {0, 0});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "too short");
            c.option(Nbd.OPT_GO, ByteBuffer.allocate(9).putInt(200).put("mem".getBytes()).putShort((short) 0).array());
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "name longer than the data");
            c.option(Nbd.OPT_INFO, ByteBuffer.allocate(9).putInt(3).put("mem".getBytes()).putShort((short) 5).array());
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply().type(), "five requests announced, none sent");
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            assertEquals(Nbd.REP_ACK, last(c.optionReplies()).type());
        }
    }

    /** NBD_OPT_EXTENDED_HEADERS: 64-bit requests, which this server does not speak. */
    private static final int EXTENDED_HEADERS = 11;

    @Test
    void unsupportedOptionsAreRefusedAndNegotiationGoesOn() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(EXTENDED_HEADERS, new byte[0]);
            NbdClient.OptionReply reply = c.optionReply();
            assertEquals(EXTENDED_HEADERS, reply.option());
            assertEquals(Nbd.REP_ERR_UNSUP, reply.type());
            c.option(5, new byte[0]); // STARTTLS
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply().type());
            c.option(0x1234, new byte[] {1, 2, 3});
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply().type());
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            assertEquals(Nbd.REP_ACK, last(c.optionReplies()).type());
            assertTransmissionWorks(c);
        }
    }

    @Test
    void exportNameEntersTransmissionWithOrWithoutTheZeroes() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8));
            assertEquals(MemoryDevice.SIZE, c.in.readLong());
            assertEquals(Nbd.TRANSMISSION_FLAGS, c.in.readUnsignedShort());
            assertTransmissionWorks(c);
        }
        try (NbdClient c = fixture.client().flags(Nbd.FLAG_FIXED_NEWSTYLE)) {
            c.option(Nbd.OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8));
            assertEquals(MemoryDevice.SIZE, c.in.readLong());
            assertEquals(Nbd.TRANSMISSION_FLAGS, c.in.readUnsignedShort());
            assertArrayEquals(new byte[124], c.data(124), "the reserved zeroes");
            assertTransmissionWorks(c);
        }
    }

    @Test
    void plainNewstyleClientsMayUseExportName() throws Exception {
        try (NbdClient c = fixture.client().flags(0)) {
            c.option(Nbd.OPT_EXPORT_NAME, "mem".getBytes(StandardCharsets.UTF_8));
            assertEquals(MemoryDevice.SIZE, c.in.readLong());
            c.in.readUnsignedShort();
            c.data(124);
            assertTransmissionWorks(c);
        }
    }

    @Test
    void exportNameForAnUnknownExportEndsTheSession() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            c.assertClosedByServer();
        }
    }

    @Test
    void abortIsAcknowledgedThenTheConnectionCloses() throws Exception {
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_ABORT, new byte[0]);
            NbdClient.OptionReply ack = c.optionReply();
            assertEquals(Nbd.OPT_ABORT, ack.option());
            assertEquals(Nbd.REP_ACK, ack.type());
            c.assertClosedByServer();
        }
    }

    @Test
    void theEmptyNameMeansTheOnlyExport() throws Exception {
        try (NbdClient c = fixture.client().go("")) {
            assertTransmissionWorks(c);
        }
        MemoryDevice second = new MemoryDevice();
        fixture.export(second, "other");
        try (NbdClient c = fixture.client().flags()) {
            c.option(Nbd.OPT_GO, c.infoRequest(""));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type(), "two exports: no default");
        }
    }

    private void assertTransmissionWorks(NbdClient c) throws Exception {
        c.write(0, 41, 1024, "ping".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, c.errorFor(41));
        assertEquals("ping", new String(c.read(42, 1024, 4), StandardCharsets.US_ASCII));
    }

    private Map<Integer, ByteBuffer> infos(List<NbdClient.OptionReply> replies) {
        assertEquals(Nbd.REP_ACK, last(replies).type());
        Map<Integer, ByteBuffer> infos = new TreeMap<>();
        for (NbdClient.OptionReply r : replies.subList(0, replies.size() - 1)) {
            assertEquals(Nbd.REP_INFO, r.type());
            ByteBuffer b = ByteBuffer.wrap(r.data());
            infos.put((int) b.getShort(), b.slice());
        }
        return infos;
    }

    private NbdClient.OptionReply last(List<NbdClient.OptionReply> replies) {
        return replies.get(replies.size() - 1);
    }
}
