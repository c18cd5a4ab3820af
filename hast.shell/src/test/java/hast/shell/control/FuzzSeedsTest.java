package hast.shell.control;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import hast.testkit.fuzz.SeedCorpus;

import org.junit.jupiter.api.Test;

/**
 * Valid requests and replies for {@link ControlProtocolFuzzTest}, made by the protocol's own
 * writers: where the fuzzer starts. Every build compares them with the checked-in files;
 * {@code -Dhast.fuzz.seeds=write} writes them anew.
 */
class FuzzSeedsTest {
    private static final SeedCorpus REQUESTS = new SeedCorpus(ControlProtocolFuzzTest.class, "request");
    private static final SeedCorpus REPLIES = new SeedCorpus(ControlProtocolFuzzTest.class, "reply");

    @Test
    void requests() throws Exception {
        REQUESTS.seed("status", bytes(ControlProtocol.request(List.of("status", "r0"))));
        REQUESTS.seed("role-all", bytes(ControlProtocol.request(List.of("role", "primary", "all"))));
        REQUESTS.seed("no-arguments", bytes(ControlProtocol.request(List.of())));
    }

    @Test
    void replies() throws Exception {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ControlProtocol.writeReply(Channels.newChannel(plain), new ControlProtocol.Reply(0,
                "r0:\n  role: primary\n".getBytes(StandardCharsets.UTF_8), new byte[0]));
        REPLIES.seed("status", plain.toByteArray());
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        WritableByteChannel ch = Channels.newChannel(chunked);
        ControlProtocol.writeChunk(ch, ControlProtocol.Stream.OUT, "progress 50%\n".getBytes(StandardCharsets.UTF_8));
        ControlProtocol.writeChunk(ch, ControlProtocol.Stream.ERR, "warning\n".getBytes(StandardCharsets.UTF_8));
        ControlProtocol.writeReply(ch, new ControlProtocol.Reply(1, new byte[0],
                "r0: no such resource\n".getBytes(StandardCharsets.UTF_8)));
        REPLIES.seed("chunks-then-failure", chunked.toByteArray());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
