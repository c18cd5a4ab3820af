package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference's table: secondary L=3, R=3, and every primary combination around it. */
class SyncDecisionTest {

    @ParameterizedTest(name = "primary L={0} R={1} -> {2}")
    @CsvSource({
        "2, 2, FULL_FROM_SECONDARY",   // impossible: full sync, never an error
        "2, 3, FULL_FROM_PRIMARY",     // impossible
        "2, 4, FULL_FROM_PRIMARY",     // impossible
        "3, 2, DIRTY_FROM_SECONDARY",  // the primary is out of date
        "3, 3, DIRTY_FROM_PRIMARY",    // in sync: copy what either marked dirty
        "3, 4, FULL_FROM_PRIMARY",     // impossible
        "4, 2, SPLIT_BRAIN",
        "4, 3, DIRTY_FROM_PRIMARY",    // the secondary is out of date
        "4, 4, FULL_FROM_PRIMARY",     // impossible
    })
    void theNineCombinations(long pL, long pR, SyncDecision expected) {
        assertEquals(expected, SyncDecision.decide(77, 3, 3, 77, pL, pR));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0, FULL_FROM_PRIMARY",     // both new: the first pairing copies everything (the reference copies nothing)
        "0, 77, FULL_FROM_PRIMARY",    // a re-created secondary: copy everything
        "78, 77, UID_MISMATCH",        // another pairing's disk
    })
    void resourceIds(long sResuid, long pResuid, SyncDecision expected) {
        assertEquals(expected, SyncDecision.decide(sResuid, 3, 3, pResuid, 3, 3));
    }
}
