package hast.engine.replication;

import hast.api.control.Consistency;

/**
 * What the secondary decides when a primary connects, from the two nodes' resource ids and
 * modification counters (the reference's table). L is a node's own counter, R its record of the
 * other's.
 *
 * <p>One deviation: the reference copies nothing when both nodes were just created, trusting
 * their providers to hold the same bytes. Fresh disks rarely do (and a fresh primary's first
 * connection attempt may fail and change the answer, so the same pair was synchronised or not by
 * timing); here the first pairing always copies everything, which a hole-compressed zeroed disk
 * makes cheap.
 */
public enum SyncDecision {
    /** The secondary is new (or was re-created): copy everything from the primary. */
    FULL_FROM_PRIMARY(0),
    /** Copy the extents either side marked dirty, from the primary. */
    DIRTY_FROM_PRIMARY(1),
    /** The primary is behind: copy the dirty extents from the secondary. */
    DIRTY_FROM_SECONDARY(2),
    /** Counters that cannot happen: copy everything, from the secondary. */
    FULL_FROM_SECONDARY(3),
    /** Both were written while apart. */
    SPLIT_BRAIN(4),
    /** The two providers belong to different pairings. */
    UID_MISMATCH(5);

    /** The decision's code in a WELCOME, fixed rather than the declaration order. */
    private final int code;

    SyncDecision(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** The decision a WELCOME names, or {@code null} for a code this node does not know. */
    static SyncDecision of(int code) {
        for (SyncDecision d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        return null;
    }

    /**
     * @param sResuid secondary's resource id (0: never paired)
     * @param pResuid primary's resource id
     */
    public static SyncDecision decide(long sResuid, long sL, long sR, long pResuid, long pL, long pR) {
        if (sResuid == 0) {
            return FULL_FROM_PRIMARY;
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

    /**
     * What the secondary's copy is once this decision's synchronisation starts, and stays until it
     * finished: a full copy from the primary overwrites everything (incomplete); a copy of the
     * dirty extents from a primary that wrote while the two were apart ({@code primaryLocalcnt}
     * above the secondary's record of it) brings writes this copy lacks (outdated). The handshake
     * is the first moment the secondary can know the latter: until a primary connects, nothing
     * tells it whether the other node wrote on. A copy already inconsistent stays so, and a copy
     * that is the source (the primary is behind) or already in step is left as it is.
     */
    public Consistency consistencyAfter(Consistency now, long secondaryRemotecnt, long primaryLocalcnt) {
        if (this == FULL_FROM_PRIMARY) {
            return Consistency.INCOMPLETE;
        }
        if (this == DIRTY_FROM_PRIMARY && primaryLocalcnt > secondaryRemotecnt && now == Consistency.CONSISTENT) {
            return Consistency.OUTDATED;
        }
        return now;
    }

    public boolean fromSecondary() {
        return this == DIRTY_FROM_SECONDARY || this == FULL_FROM_SECONDARY;
    }

    public boolean full() {
        return this == FULL_FROM_PRIMARY || this == FULL_FROM_SECONDARY;
    }
}
