package hast.api.metrics;

/**
 * One resource's counters since the daemon started, whatever roles it went through.
 *
 * @param name         the resource
 * @param readBytes    bytes clients asked to read from the primary
 * @param writeBytes   bytes clients wrote through the primary (zeroes written for them included)
 * @param deleteBytes  bytes clients trimmed (discarded) through the primary
 * @param localWrites  how long the primary's writes took on this node's disk
 * @param remoteWrites how long the primary's writes took from being sent to the secondary until it
 *                     answered that it stored them
 * @param connects     replication connections made (a primary's to its secondary, a secondary's
 *                     from its primary): the first one and every reconnection
 * @param splitBrains  split-brains found, one per episode (the pair retries until an operator acts)
 */
public record ResourceMeters(String name, long readBytes, long writeBytes, long deleteBytes, Latency localWrites,
        Latency remoteWrites, long connects, long splitBrains) {
}
