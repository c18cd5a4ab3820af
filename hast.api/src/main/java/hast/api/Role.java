package hast.api;

import java.util.Locale;

/** The role of a resource on this node, as set by an operator; the daemon never picks one itself. */
public enum Role {
    /** Configured but idle: no I/O, no connection. */
    INIT,
    /** Serves reads and writes and replicates them to the secondary. */
    PRIMARY,
    /** Receives replicated writes from the primary; serves no clients. */
    SECONDARY;

    /** The lower-case name used in hast.conf, hastctl output, metadata and hooks. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role as written by an operator.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is not a role
     */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.label().equals(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Invalid role '" + text + "' (expected: init, primary or secondary)");
    }

    @Override
    public String toString() {
        return label();
    }
}
