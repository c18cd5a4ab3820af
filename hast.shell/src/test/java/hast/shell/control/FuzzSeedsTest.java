package hast.shell.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Valid requests and replies for {@link ControlProtocolFuzzTest}, made by the protocol's own
 * writers: where the fuzzer starts. Every build compares them with the checked-in files;
 * {@code -Dhast.fuzz.seeds=write} writes them anew.
 */
class FuzzSeedsTest {
    private static final Path FOLDER = Path.of("src/test/resources/hast/shell/control/ControlProtocolFuzzTestInputs");

    @Test
    void requests() throws Exception {
        seed("request", "status", bytes(ControlProtocol.request(List.of("status", "r0"))));
        seed("request", "role-all", bytes(ControlProtocol.request(List.of("role", "primary", "all"))));
        seed("request", "no-arguments", bytes(ControlProtocol.request(List.of())));
    }

    @Test
    void replies() throws Exception {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ControlProtocol.writeReply(Channels.newChannel(plain), new ControlProtocol.Reply(0,
                "r0:\n  role: primary\n".getBytes(StandardCharsets.UTF_8), new byte[0]));
        seed("reply", "status", plain.toByteArray());
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        WritableByteChannel ch = Channels.newChannel(chunked);
        ControlProtocol.writeChunk(ch, ControlProtocol.Stream.OUT, "progress 50%\n".getBytes(StandardCharsets.UTF_8));
        ControlProtocol.writeChunk(ch, ControlProtocol.Stream.ERR, "warning\n".getBytes(StandardCharsets.UTF_8));
        ControlProtocol.writeReply(ch, new ControlProtocol.Reply(1, new byte[0],
                "r0: no such resource\n".getBytes(StandardCharsets.UTF_8)));
        seed("reply", "chunks-then-failure", chunked.toByteArray());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static void seed(String method, String name, byte[] bytes) throws Exception {
        Path folder = FOLDER.resolve(method);
        Path file = folder.resolve("seed-" + name);
        if ("write".equals(System.getProperty("hast.fuzz.seeds"))) {
            Files.createDirectories(folder);
            Files.write(file, bytes);
            return;
        }
        assertTrue(Files.exists(file), file + " is missing; write the seeds with -Dhast.fuzz.seeds=write");
        assertArrayEquals(bytes, Files.readAllBytes(file), file + " is out of date; write the seeds with -Dhast.fuzz.seeds=write");
    }
}
