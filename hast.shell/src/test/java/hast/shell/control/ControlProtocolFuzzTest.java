package hast.shell.control;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Timeout;

/**
 * The control socket's two directions: a request as any local process may send it to the daemon,
 * and a reply as hastctl reads it. Either parses, or fails with an {@link IOException} (the
 * protocol's {@link ControlProtocol.MalformedException}, or the end of the stream); neither may
 * allocate much more than it was sent.
 */
@Timeout(10)
class ControlProtocolFuzzTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** The daemon's own bound on a request, and what a reader needs besides. */
    private static final long FIXED = 1 << 20;

    @FuzzTest
    void request(byte[] input) {
        withinBudget("request", input, () -> ControlProtocol.readRequest(channel(input)));
    }

    @FuzzTest
    void reply(byte[] input) {
        withinBudget("reply", input, () -> ControlProtocol.readReply(channel(input), (stream, bytes) -> {
        }));
    }

    private static ReadableByteChannel channel(byte[] input) {
        return Channels.newChannel(new ByteArrayInputStream(input));
    }

    /** A read that may fail only with an IOException. */
    @FunctionalInterface
    private interface Read {
        Object run() throws IOException;
    }

    /**
     * Runs {@code read} and fails when it allocated more than {@link #FIXED} plus 8 bytes for each
     * byte of input; a run over the budget is repeated once before it counts, so that classes
     * loaded on the first way through a path are not charged to the input that took it first.
     * (The engine's and the NBD server's fuzz targets have the same check; modules share no test code.)
     */
    private static void withinBudget(String what, byte[] input, Read read) {
        long limit = FIXED + 8L * input.length;
        long used = allocatedBy(read);
        if (used > limit) {
            used = allocatedBy(read);
        }
        if (used > limit) {
            Assertions.fail(what + " allocated " + used + " bytes for " + input.length + " bytes of input,"
                    + " over its budget of " + limit);
        }
    }

    private static long allocatedBy(Read read) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.run();
        } catch (IOException expected) {
            // Malformed or cut short: that connection ends.
        }
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
