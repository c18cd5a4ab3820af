package hast.engine.replication;

/**
 * What the secondary decides when a primary connects, from the two nodes' resource ids and
 * modification counters (the reference's table). L is a node's own counter, R its record of the
 * other's.
 */
public enum SyncDecision {
    /** Both nodes never paired: nothing to copy beyond what the primary marked dirty. */
    VIRGIN,
    /** The secondary is new (or was re-created): copy everything from the primary. */
    FULL_FROM_PRIMARY,
    /** Copy the extents either side marked dirty, from the primary. */
    DIRTY_FROM_PRIMARY,
    /** The primary is behind: copy the dirty extents from the secondary. */
    DIRTY_FROM_SECONDARY,
    /** Counters that cannot happen: copy everything, from the secondary. */
    FULL_FROM_SECONDARY,
    /** Both were written while apart. */
    SPLIT_BRAIN,
    /** The two providers belong to different pairings. */
    UID_MISMATCH;

    /**
     * @param sResuid secondary's resource id (0: never paired)
     * @param pResuid primary's resource id
     * @param pVirgin the primary has never been paired either
     */
    public static SyncDecision decide(long sResuid, long sL, long sR, long pResuid, long pL, long pR, boolean pVirgin) {
        if (sResuid == 0) {
            return pVirgin ? VIRGIN : FULL_FROM_PRIMARY;
        }
        if (sResuid != pResuid) {
            return UID_MISMATCH;
        }
        if (sL > pR && sR == pL) {
            return DIRTY_FROM_SECONDARY;
        }
        if (sL == pR && sR <= pL) {
            return DIRTY_FROM_PRIMARY;
        }
        if (sL > pR && pL > sR) {
            return SPLIT_BRAIN;
        }
        return sL > pR ? FULL_FROM_SECONDARY : FULL_FROM_PRIMARY;
    }

    public boolean fromSecondary() {
        return this == DIRTY_FROM_SECONDARY || this == FULL_FROM_SECONDARY;
    }

    public boolean full() {
        return this == FULL_FROM_PRIMARY || this == FULL_FROM_SECONDARY;
    }
}
