package hast.engine.config;

import java.util.Locale;

/** The replication modes hast.conf names. */
public enum Replication {
    FULLSYNC, MEMSYNC, ASYNC;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException listing the modes when {@code text} is none of them */
    public static Replication parse(String text) {
        for (Replication r : values()) {
            if (r.label().equals(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown replication mode '" + text + "' (known: fullsync, memsync, async)");
    }
}
