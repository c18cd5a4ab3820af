package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hast.api.control.Consistency;

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

    /** What each of the nine combinations makes of a consistent secondary (L=3, R=3) while it is synchronised. */
    @ParameterizedTest(name = "primary L={0} R={1} -> {2}")
    @CsvSource({
        "2, 2, CONSISTENT",   // full sync from the secondary: this copy is the source
        "2, 3, INCOMPLETE",   // full sync from the primary overwrites everything
        "2, 4, INCOMPLETE",
        "3, 2, CONSISTENT",   // the primary is behind: this copy is the source
        "3, 3, CONSISTENT",   // in sync: only extents either side had in flight are copied again
        "3, 4, INCOMPLETE",
        "4, 2, CONSISTENT",   // split-brain: refused, nothing is copied
        "4, 3, OUTDATED",     // the primary wrote while apart: this copy lacks those writes
        "4, 4, INCOMPLETE",
    })
    void whatTheSynchronisationMakesOfTheSecondarysCopy(long pL, long pR, Consistency expected) {
        assertEquals(expected, SyncDecision.decide(77, 3, 3, 77, pL, pR).consistencyAfter(Consistency.CONSISTENT, 3, pL));
    }

    @ParameterizedTest
    @CsvSource({
        "INCOMPLETE, DIRTY_FROM_PRIMARY, 4, INCOMPLETE",   // a full copy cut short stays so until a pass finishes
        "INCOMPLETE, DIRTY_FROM_PRIMARY, 3, INCOMPLETE",
        "OUTDATED, DIRTY_FROM_PRIMARY, 3, OUTDATED",        // restarted mid-resync: the mark on disk stays
        "OUTDATED, FULL_FROM_PRIMARY, 3, INCOMPLETE",
        "INCOMPLETE, DIRTY_FROM_SECONDARY, 3, INCOMPLETE",
    })
    void anInconsistentCopyStaysInconsistentUntilASynchronisationFinishes(Consistency now, SyncDecision d, long pL,
            Consistency expected) {
        assertEquals(expected, d.consistencyAfter(now, 3, pL));
    }
}
