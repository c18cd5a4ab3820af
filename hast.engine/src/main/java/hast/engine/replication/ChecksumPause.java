package hast.engine.replication;

import java.util.logging.Logger;

/**
 * Whether replication is paused because the configured checksum is missing here or on the
 * secondary: the link then stays down, and writes stay dirty, until it is back.
 */
final class ChecksumPause {
    /** The link's own log: what an operator filters on did not change when the link was split. */
    private static final Logger LOG = Logger.getLogger(RemoteLink.class.getName());

    private final String resource;
    /** Why replication is paused for want of a checksum, or {@code null}. */
    private volatile String paused;

    ChecksumPause(String resource) {
        this.resource = resource;
    }

    /** Why replication is paused, or {@code null}. */
    String reason() {
        return paused;
    }

    /** Records whether replication is blocked by a missing checksum; true when it is not. */
    boolean unblocked(String blocked) {
        String was = paused;
        paused = blocked;
        if (blocked != null && !blocked.equals(was)) {
            LOG.warning(() -> "[" + resource + "] Replication paused: " + blocked
                    + "; writes stay dirty until it is back.");
        } else if (blocked == null && was != null) {
            LOG.info(() -> "[" + resource + "] Replication resumes (it was paused: " + was + ").");
        }
        return blocked == null;
    }
}
