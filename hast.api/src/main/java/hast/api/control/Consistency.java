package hast.api.control;

import java.util.Locale;

/**
 * Whether a copy holds data that a client could be served from: every write the pair took up to
 * some moment, or a mix of older and newer extents. The primary's copy is the reference; a
 * secondary's becomes inconsistent when a synchronisation starts to change it and consistent
 * again once the synchronisation finished and was flushed there.
 */
public enum Consistency {
    /** The copy holds the pair's data as of some moment: safe to promote. */
    CONSISTENT,
    /**
     * A full synchronisation started on this copy and has not finished: part of it is the other
     * node's data, the rest whatever the disk held before.
     */
    INCOMPLETE,
    /**
     * The primary took writes while this copy was apart (learnt at the handshake), and the
     * synchronisation that copies them has not finished.
     */
    OUTDATED;

    /** The lower-case word of hastctl's output and its {@code --json} forms. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }
}
