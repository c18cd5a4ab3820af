package hast.api.replication;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides when a write may be acknowledged to the client. Modes are services registered under
 * their {@link #NAME} (the reference's {@code fullsync}, {@code memsync} and {@code async} come
 * from the hast.replication bundle; a third party's bundle brings others); each request remembers
 * the mode in force when it started. While the mode a resource's configuration names is not
 * registered, its primary refuses writes rather than use another mode.
 *
 * <p>Whatever the mode, an extent stays dirty until the secondary has confirmed the write: that
 * rule belongs to the engine, not to a mode.
 */
@ConsumerType
public interface ReplicationMode {
    /** Service property (String): the mode name used in hast.conf. */
    String NAME = "hast.replication";

    /**
     * Whether the client may be told now that the write succeeded. Called each time the
     * progress changes; once it answers {@code true} it is not asked again for that write.
     * A mode must never acknowledge a write that no component it relies on has stored.
     */
    boolean acknowledge(WriteProgress progress);

    /** Whether the remote should send an early "received" reply for writes in this mode. */
    default boolean wantsReceipt() {
        return false;
    }
}
