package hast.shell.control;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

import hast.testkit.fuzz.AllocationBudget;

import org.junit.jupiter.api.Timeout;

/**
 * The control socket's two directions: a request as any local process may send it to the daemon,
 * and a reply as hastctl reads it. Either parses, or fails with an {@link IOException} (the
 * protocol's {@link ControlProtocol.MalformedException}, or the end of the stream); neither may
 * allocate much more than it was sent.
 */
@Timeout(10)
class ControlProtocolFuzzTest {
    /** The daemon's own bound on a request, and what a reader needs besides. */
    private static final long FIXED = 1 << 20;

    @FuzzTest
    void request(byte[] input) {
        AllocationBudget.check("request", input, FIXED, 8, IOException.class,
                () -> ControlProtocol.readRequest(channel(input)));
    }

    @FuzzTest
    void reply(byte[] input) {
        AllocationBudget.check("reply", input, FIXED, 8, IOException.class,
                () -> ControlProtocol.readReply(channel(input), (stream, bytes) -> {
                }));
    }

    private static ReadableByteChannel channel(byte[] input) {
        return Channels.newChannel(new ByteArrayInputStream(input));
    }
}
