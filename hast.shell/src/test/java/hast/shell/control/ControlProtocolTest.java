package hast.shell.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The framing on its own: round trips, and replies that are not hastd's. */
class ControlProtocolTest {

    @Test
    void requestsRoundTripIncludingEmptyAndNonAsciiArguments() throws IOException {
        List<String> args = List.of("role", "", "primary", "disque-été", "-c", "/etc/hast.conf");
        ByteBuffer frame = ControlProtocol.request(args);
        assertEquals(args, ControlProtocol.readRequest(Channels.newChannel(new ByteArrayInputStream(bytes(frame)))));
    }

    @Test
    void aRequestOfExactlyTheLimitIsAccepted() throws IOException {
        // 9 header bytes, 4 length bytes, and the rest is the one argument.
        String arg = "a".repeat(ControlProtocol.MAX_REQUEST - 13);
        ByteBuffer frame = ControlProtocol.request(List.of(arg));
        assertEquals(ControlProtocol.MAX_REQUEST, frame.remaining());
        assertEquals(List.of(arg), ControlProtocol.readRequest(Channels.newChannel(new ByteArrayInputStream(bytes(frame)))));
        assertThrows(IllegalArgumentException.class, () -> ControlProtocol.request(List.of(arg + "a")));
    }

    @Test
    void nothingSentIsAnEndOfStreamNotAMalformedRequest() {
        assertThrows(EOFException.class,
                () -> ControlProtocol.readRequest(Channels.newChannel(new ByteArrayInputStream(new byte[0]))));
    }

    @Test
    void repliesRoundTrip() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] out = "Name\tStatus\n".getBytes(StandardCharsets.UTF_8);
        byte[] err = "[r] Received error 1 from hastd.\n".getBytes(StandardCharsets.UTF_8);
        ControlProtocol.writeReply(Channels.newChannel(wire), new ControlProtocol.Reply(1, out, err));
        ControlProtocol.Reply back = ControlProtocol.readReply(Channels.newChannel(new ByteArrayInputStream(wire.toByteArray())));
        assertEquals(1, back.status());
        assertArrayEquals(out, back.out());
        assertArrayEquals(err, back.err());
    }

    @Test
    void repliesThatAreNotHastdsAreRefused() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ControlProtocol.writeReply(Channels.newChannel(wire), new ControlProtocol.Reply(0, new byte[3], new byte[0]));
        byte[] good = wire.toByteArray();

        byte[] badMagic = good.clone();
        badMagic[3] = 'L';
        assertMalformed("not a hastctl reply (bad magic)", badMagic);
        byte[] hugeBlock = good.clone();
        hugeBlock[9] = 0x7f;
        assertMalformed("reply announces 2130706435 bytes of output (at most 67108864 expected)", hugeBlock);
        assertThrows(EOFException.class, () -> ControlProtocol.readReply(
                Channels.newChannel(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 1)))));
    }

    private static void assertMalformed(String message, byte[] reply) {
        ControlProtocol.MalformedException e = assertThrows(ControlProtocol.MalformedException.class,
                () -> ControlProtocol.readReply(Channels.newChannel(new ByteArrayInputStream(reply))));
        assertEquals(message, e.getMessage());
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return b;
    }
}
