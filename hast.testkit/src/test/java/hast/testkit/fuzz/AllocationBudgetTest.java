package hast.testkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The budget must catch what a fuzz target exists to catch, and nothing a correct parser does. */
class AllocationBudgetTest {
    private static final byte[] INPUT = new byte[40];
    /** Where the allocation goes, so that the JIT cannot drop it. */
    private static volatile byte[] kept;

    @Test
    void aParserThatTrustsAnAnnouncedSizeFails() {
        assertThrows(AssertionFailedError.class, () -> AllocationBudget.check("trusting", INPUT, 1 << 10, 8,
                () -> kept = new byte[64 << 20]));
    }

    @Test
    void workWithinItsBudgetAndTheExpectedRefusalPass() {
        AllocationBudget.check("small", INPUT, 1 << 20, 8, () -> kept = new byte[INPUT.length]);
        AllocationBudget.check("refused", INPUT, 1 << 20, 8, IOException.class, () -> {
            throw new IOException("malformed");
        });
    }

    @Test
    void anExceptionOtherThanTheExpectedRefusalFails() {
        assertThrows(AssertionFailedError.class, () -> AllocationBudget.check("crashing", INPUT, 1 << 20, 8,
                IOException.class, () -> {
                    throw new IllegalStateException("a parser bug");
                }));
    }

    @Test
    void aRecordingConnectionKeepsWhatIsWrittenAndAReplayingOneHandsOutPieces() throws IOException {
        InputConnection recording = InputConnection.recording();
        recording.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, recording.written());
        InputConnection replaying = new InputConnection(new byte[] {4, 5, 6}, 2);
        ByteBuffer into = ByteBuffer.allocate(3);
        replaying.read(into);
        assertArrayEquals(new byte[] {4, 5, 0}, into.array(), "at most one chunk per read");
        assertThrows(IllegalStateException.class, replaying::written);
    }
}
