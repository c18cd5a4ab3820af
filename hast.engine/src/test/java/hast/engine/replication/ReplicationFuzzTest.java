package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import hast.engine.codec.CodecSet;
import hast.testkit.fuzz.AllocationBudget;
import hast.testkit.fuzz.InputConnection;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Timeout;

/**
 * What a replication peer (or anyone who reaches the port) sends: a stream of frames, the first
 * read as the handshake reads it and the rest through the session's buffered reader, and the
 * greetings those frames carry. The only documented failure is an {@link IOException} (a
 * {@link ProtocolException} naming the problem, or the end of the stream).
 */
@Timeout(10)
class ReplicationFuzzTest {
    /** Heap a connection may cost besides its input: a frame's header, a first payload step, a reply. */
    private static final long FIXED = 4 << 20;
    /** Readers whose buffers each input's reader takes over, with and without the large-payload buffer. */
    private static final ByteBuffer LARGE = ByteBuffer.allocateDirect(Frame.MAX_REQUEST_PAYLOAD);
    private static final FrameReader REUSING_LARGE = new FrameReader(new InputConnection(new byte[0], 1), () -> LARGE,
            ProtocolRange.SPOKEN.max());
    private static final FrameReader COPYING_LARGE = new FrameReader(new InputConnection(new byte[0], 1),
            ProtocolRange.SPOKEN.max());

    /**
     * Byte 0 chooses how the stream arrives (the size of each read, and whether the reader reuses
     * its large-payload buffer); the rest is the stream.
     */
    @FuzzTest
    void frames(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = Byte.toUnsignedInt(input[0]);
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        AllocationBudget.check("frames", input, FIXED, 8, IOException.class, () -> {
            InputConnection c = new InputConnection(stream, 1 + (mode & 0x3f) * 97);
            greet(Frame.read(c, ProtocolRange.SPOKEN.max()));
            FrameReader reader = new FrameReader(c, (mode & 0x40) != 0 ? REUSING_LARGE : COPYING_LARGE);
            while (true) {
                greet(reader.next());
            }
        });
    }

    /** Byte 0 chooses the decoder (HELLO, WELCOME, codec list); the rest is its payload. */
    @FuzzTest
    void greetings(byte[] input) {
        if (input.length == 0) {
            return;
        }
        AllocationBudget.check("greetings", input, FIXED, 8, ProtocolException.class, () -> {
            ByteBuffer payload = ByteBuffer.wrap(input, 1, input.length - 1).slice();
            switch (input[0] & 3) {
                case 0 -> Greeting.Hello.decode(payload);
                case 1 -> Greeting.Welcome.decode(payload);
                default -> CodecSet.decode(payload);
            }
        });
    }

    /** Decodes the greeting a frame carries, as the handshake and a codec update do. */
    private static void greet(Frame f) throws ProtocolException {
        if (f.payload() == null) {
            return;
        }
        switch (f.type()) {
            case HELLO -> Greeting.Hello.decode(f.payload().duplicate());
            case WELCOME -> Greeting.Welcome.decode(f.payload().duplicate());
            case CODECS -> CodecSet.decode(f.payload().duplicate());
            default -> {
            }
        }
    }
}
