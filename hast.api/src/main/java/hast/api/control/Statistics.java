package hast.api.control;

/**
 * Request counters of one resource since its role last changed. The read, write, delete and flush
 * error counters count local-disk failures only (including activemap writes and flushes).
 *
 * @param remoteErrors         requests the secondary answered with an error (a primary's count;
 *                             requests lost with a connection are not among them)
 * @param dataBytes            bytes of data this node sent to its peer, before compression
 * @param wireBytes            what they took on the wire, compressed and with their codec blocks
 * @param compressionFallbacks payloads sent uncompressed because the configured compressor was
 *                             missing on this node or on the peer
 * @param checksumFailures     payloads received damaged (a digest that differs, or data that does
 *                             not decode): never written, their requests failed
 * @param authFailures         peers of the replication link refused for failed authentication,
 *                             on either side, since the daemon started (not reset by a role
 *                             change); @since 2.3
 * @param modeRefusals         modifying requests (writes, trims, flushes) a primary refused because
 *                             the replication mode its configuration names was not registered on
 *                             this node; @since 2.8
 */
public record Statistics(long reads, long writes, long deletes, long flushes, long activemapUpdates,
        long readErrors, long writeErrors, long deleteErrors, long flushErrors, long remoteErrors, long dataBytes, long wireBytes,
        long compressionFallbacks, long checksumFailures, long authFailures, long modeRefusals) {

    public static final Statistics ZERO = new Statistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The counters of API 2.2 and before, with no authentication failure. */
    public Statistics(long reads, long writes, long deletes, long flushes, long activemapUpdates, long readErrors,
            long writeErrors, long deleteErrors, long flushErrors, long remoteErrors, long dataBytes, long wireBytes,
            long compressionFallbacks, long checksumFailures) {
        this(reads, writes, deletes, flushes, activemapUpdates, readErrors, writeErrors, deleteErrors, flushErrors,
                remoteErrors, dataBytes, wireBytes, compressionFallbacks, checksumFailures, 0, 0);
    }

    /** The counters of API 2.3 to 2.7, with no request refused for want of a mode. */
    public Statistics(long reads, long writes, long deletes, long flushes, long activemapUpdates, long readErrors,
            long writeErrors, long deleteErrors, long flushErrors, long remoteErrors, long dataBytes, long wireBytes,
            long compressionFallbacks, long checksumFailures, long authFailures) {
        this(reads, writes, deletes, flushes, activemapUpdates, readErrors, writeErrors, deleteErrors, flushErrors,
                remoteErrors, dataBytes, wireBytes, compressionFallbacks, checksumFailures, authFailures, 0);
    }

    /** These counters with {@code count} authentication failures. @since 2.3 */
    public Statistics withAuthFailures(long count) {
        return new Statistics(reads, writes, deletes, flushes, activemapUpdates, readErrors, writeErrors, deleteErrors,
                flushErrors, remoteErrors, dataBytes, wireBytes, compressionFallbacks, checksumFailures, count,
                modeRefusals);
    }
}
