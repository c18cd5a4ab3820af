package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from a {@link ReplicationMode}, checked over every state a write can
 * be in: nothing is acknowledged before anything holds it, every write is acknowledged once both
 * components have finished (or it would never complete), an acknowledgement is never taken back by
 * further progress, the answer depends on the progress alone, and a mode that waits for the
 * secondary's receipt asks for it.
 */
public abstract class ReplicationModeContract {
    /** The mode under test; called once per test. */
    protected abstract ReplicationMode mode();

    /** Every consistent progress: a component is OK only once done. */
    static List<WriteProgress> states() {
        List<WriteProgress> all = new ArrayList<>();
        for (int bits = 0; bits < 32; bits++) {
            WriteProgress p = new WriteProgress((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0,
                    (bits & 16) != 0);
            if ((!p.localOk() || p.localDone()) && (!p.remoteOk() || p.remoteDone())) {
                all.add(p);
            }
        }
        return all;
    }

    /** Whether {@code later} is {@code earlier} with some more progress (no flag goes back). */
    private static boolean follows(WriteProgress later, WriteProgress earlier) {
        return implies(earlier.localDone(), later.localDone()) && implies(earlier.remoteReceived(), later.remoteReceived())
                && implies(earlier.remoteDone(), later.remoteDone())
                && (!earlier.localDone() || earlier.localOk() == later.localOk())
                && (!earlier.remoteDone() || earlier.remoteOk() == later.remoteOk());
    }

    private static boolean implies(boolean a, boolean b) {
        return !a || b;
    }

    @Test
    void nothingIsAcknowledgedBeforeAnyComponentHoldsTheWrite() {
        ReplicationMode mode = mode();
        for (WriteProgress p : states()) {
            if (!p.localDone() && !p.remoteReceived() && !p.remoteDone()) {
                assertFalse(mode.acknowledge(p), p.toString());
            }
        }
    }

    @Test
    void everyWriteIsAcknowledgedOnceBothComponentsHaveFinished() {
        ReplicationMode mode = mode();
        for (WriteProgress p : states()) {
            if (p.localDone() && p.remoteDone()) {
                assertTrue(mode.acknowledge(p), p + " would never complete");
            }
        }
    }

    @Test
    void furtherProgressNeverTakesAnAcknowledgementBack() {
        ReplicationMode mode = mode();
        for (WriteProgress earlier : states()) {
            if (mode.acknowledge(earlier)) {
                for (WriteProgress later : states()) {
                    if (follows(later, earlier)) {
                        assertTrue(mode.acknowledge(later), earlier + " was acknowledged but " + later + " is not");
                    }
                }
            }
        }
    }

    @Test
    void theAnswerDependsOnTheProgressAlone() {
        ReplicationMode mode = mode();
        for (WriteProgress p : states()) {
            boolean first = mode.acknowledge(p);
            for (int i = 0; i < 3; i++) {
                assertEquals(first, mode.acknowledge(new WriteProgress(p.localDone(), p.localOk(), p.remoteReceived(),
                        p.remoteDone(), p.remoteOk())), p.toString());
            }
        }
    }

    @Test
    void aModeThatWaitsForTheReceiptAsksForIt() {
        ReplicationMode mode = mode();
        for (WriteProgress p : states()) {
            if (!p.remoteReceived()) {
                WriteProgress received = new WriteProgress(p.localDone(), p.localOk(), true, p.remoteDone(), p.remoteOk());
                if (mode.acknowledge(received) && !mode.acknowledge(p)) {
                    assertTrue(mode.wantsReceipt(), "acknowledges on the receipt at " + received
                            + " but never asks the secondary for one");
                    return;
                }
            }
        }
    }
}
