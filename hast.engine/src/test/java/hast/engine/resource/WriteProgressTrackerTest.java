package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import hast.api.replication.ReplicationMode;
import hast.replication.Async;
import hast.replication.FullSync;
import hast.replication.MemSync;

import org.junit.jupiter.api.Test;

/**
 * When each mode answers the client, and what becomes of the extent. Tests named after a
 * reference defect (hast-spec.md 10.4) pin the safe behaviour we chose instead.
 */
class WriteProgressTrackerTest {
    private final CompletableFuture<Void> ack = new CompletableFuture<>();
    private final List<Boolean> finished = new ArrayList<>();
    private int apartAcks;
    /** What the trace saw, in order: "ack" (remote known failed: "ack-failed"), "missed". */
    private final List<String> traced = new ArrayList<>();
    private final WriteProgressTracker.Trace trace = new WriteProgressTracker.Trace() {
        @Override
        public void beforeAck(boolean remoteFailed) {
            apartAcks++;
            traced.add(remoteFailed ? "ack-failed" : "ack");
        }

        @Override
        public void missed() {
            traced.add("missed");
        }
    };

    private WriteProgressTracker tracker(ReplicationMode mode) {
        return new WriteProgressTracker(mode, ack, finished::add, trace, null, false);
    }

    @Test
    void fullsyncAnswersOnlyOnceTheSecondaryHasWritten() {
        WriteProgressTracker t = tracker(new FullSync());
        t.localDone(null);
        t.remoteReceived();
        assertFalse(ack.isDone());
        t.remoteDone(true);
        assertTrue(ack.isDone() && !ack.isCompletedExceptionally());
        assertEquals(List.of(true), finished, "both stored it: the extent may become clean");
    }

    @Test
    void memsyncAnswersOnReceiptThenFinishesOnTheSecondarysWrite() {
        WriteProgressTracker t = tracker(new MemSync());
        t.remoteReceived();
        assertFalse(ack.isDone(), "the local write is not done yet");
        t.localDone(null);
        assertTrue(ack.isDone());
        assertTrue(finished.isEmpty(), "the extent stays busy until the secondary's write is confirmed");
        t.remoteDone(true);
        assertEquals(List.of(true), finished);
    }

    @Test
    void asyncAnswersAtTheLocalWrite() {
        WriteProgressTracker t = tracker(new Async());
        t.localDone(null);
        assertTrue(ack.isDone());
        t.remoteDone(true);
        assertEquals(List.of(true), finished);
    }

    @Test
    void defect2MemsyncNeverReportsAFailedLocalWriteAsSuccess() {
        WriteProgressTracker t = tracker(new MemSync());
        t.remoteDone(false);
        t.localDone(new IOException("EIO"));
        assertTrue(ack.isCompletedExceptionally());
        assertEquals(List.of(false), finished);
    }

    @Test
    void defect3AnyComponentFailureLeavesTheExtentDirty() {
        WriteProgressTracker remoteFailed = tracker(new FullSync());
        remoteFailed.localDone(null);
        remoteFailed.remoteDone(false);
        assertEquals(List.of(false), finished, "an error reply from the secondary keeps the extent dirty");
        finished.clear();
        CompletableFuture<Void> other = new CompletableFuture<>();
        WriteProgressTracker localFailed = new WriteProgressTracker(new FullSync(), other, finished::add, trace, null, false);
        localFailed.remoteDone(true);
        localFailed.localDone(new IOException("EIO"));
        assertTrue(other.isCompletedExceptionally());
        assertEquals(List.of(false), finished, "a failed local write keeps the extent dirty");
    }

    @Test
    void theHookBeforeASuccessfulAnswerRunsOnce() {
        WriteProgressTracker t = tracker(new FullSync());
        t.localDone(null);
        t.remoteDone(false);
        t.remoteReceived();
        assertEquals(1, apartAcks);
    }

    @Test
    void aWriteTheSecondaryFailedIsTracedBeforeTheFullsyncAnswer() {
        WriteProgressTracker t = tracker(new FullSync());
        t.localDone(null);
        t.remoteDone(false);
        assertEquals(List.of("ack-failed", "missed"), traced, "the counters move before the client hears of it");
    }

    @Test
    void anAsyncWriteTheSecondaryLaterFailsIsTracedWhenThatIsKnown() {
        WriteProgressTracker t = tracker(new Async());
        t.localDone(null);
        assertEquals(List.of("ack"), traced);
        t.remoteDone(false);
        assertEquals(List.of("ack", "missed"), traced);
    }

    @Test
    void aFailedLocalWriteLeavesNoTrace() {
        WriteProgressTracker t = tracker(new FullSync());
        t.remoteDone(true);
        t.localDone(new IOException("EIO"));
        assertEquals(List.of(), traced, "nothing was stored here that the secondary lacks");
    }

    @Test
    void aLocalWriteErrorTheSecondaryStoredSucceedsOnceTheSecondaryIsDoneNotAtItsReceipt() {
        for (ReplicationMode mode : List.of(new FullSync(), new MemSync(), new Async())) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            List<String> rescued = new ArrayList<>();
            finished.clear();
            WriteProgressTracker t = new WriteProgressTracker(mode, answer, finished::add, trace,
                    () -> rescued.add("marked"), false);
            t.localDone(new IOException("EIO"));
            t.remoteReceived();
            assertFalse(answer.isDone(), mode + ": only the secondary's completion can save it");
            t.remoteDone(true);
            assertTrue(answer.isDone() && !answer.isCompletedExceptionally(), mode.toString());
            assertEquals(List.of("marked"), rescued, "recorded before the answer");
            assertEquals(List.of(false), finished, "the extent waits to be copied back");
        }
    }

    @Test
    void aRescueThatCannotBeRecordedFailsTheRequest() {
        WriteProgressTracker t = new WriteProgressTracker(new Async(), ack, finished::add, trace, () -> {
            throw new IOException("metadata write failed");
        }, false);
        t.localDone(new IOException("EIO"));
        t.remoteDone(true);
        assertTrue(ack.isCompletedExceptionally());
        assertEquals(List.of(false), finished);
    }

    @Test
    void aLocalWriteErrorTheSecondaryAlsoFailedFails() {
        WriteProgressTracker t = new WriteProgressTracker(new MemSync(), ack, finished::add, trace, () -> {
            throw new AssertionError("nothing to rescue");
        }, false);
        t.remoteReceived();
        t.localDone(new IOException("EIO"));
        t.remoteDone(false);
        assertTrue(ack.isCompletedExceptionally());
    }

    @Test
    void aWriteToARangeOnlyTheSecondaryHoldsNeedsTheSecondaryInEveryMode() {
        WriteProgressTracker t = new WriteProgressTracker(new Async(), ack, finished::add, trace, null, true);
        t.localDone(null);
        assertFalse(ack.isDone(), "async would answer here");
        t.remoteDone(false);
        assertTrue(ack.isCompletedExceptionally());
        assertEquals(List.of(false), finished);
    }
}
