package hast.api.control;

import hast.api.Role;

/**
 * What {@code hastctl list} and {@code status} show of one resource.
 *
 * @param name        resource name
 * @param role        current role
 * @param provname    provider (export) name
 * @param localpath   the local component's path
 * @param extentsize  activemap extent size in bytes (0 when not known: no metadata read yet)
 * @param keepdirty   keepdirty (0 when not known)
 * @param remoteaddr  the remote address, or {@code none}
 * @param sourceaddr  the source address, or {@code null} when not configured
 * @param replication configured replication mode
 * @param checksum    configured checksum
 * @param compression configured compression
 * @param status      {@code complete}, {@code degraded}, or {@code null} when the resource is idle (init)
 * @param dirty       bytes in dirty extents
 * @param exportaddr  the NBD export address while primary, else {@code null}
 * @param device      the kernel block device serving the resource (/dev/hast/&lt;provname&gt;) while
 *                    primary and attached, else {@code null}
 * @param statistics  request counters
 * @param queues      requests waiting or running in each stage now
 * @param sync        progress of the synchronisation under way, or {@code null}
 * @param problem     what keeps the pair apart and needs an operator (e.g. {@code split-brain}), or {@code null}
 * @param connected   whether the replication connection to the other node is up (a primary's to its
 *                    secondary, a secondary's from its primary)
 * @param consistency whether this node's copy may be promoted, or {@code null} when the resource is
 *                    idle (init); on a secondary receiving a synchronisation, {@code sync} is its progress
 * @param protocol    the replication protocol version the pair speaks while connected (such as {@code 3});
 *                    after a refusal for want of a common version, why (naming both nodes' versions)
 *                    until the pair connects; else {@code null} (since 2.7)
 * @param syncrate    how fast a synchronisation of this primary may copy and whether it is paused;
 *                    {@code null} unless primary with a secondary configured (since 2.7)
 */
public record ResourceInfo(String name, Role role, String provname, String localpath, long extentsize,
        int keepdirty, String remoteaddr, String sourceaddr, String replication, String checksum,
        String compression, String status, long dirty, String exportaddr, String device, Statistics statistics,
        Queues queues, SyncProgress sync, String problem, boolean connected, Consistency consistency,
        String protocol, SyncRate syncrate) {

    /** The information of API 2.5 and 2.6, without a protocol version or a sync rate. */
    public ResourceInfo(String name, Role role, String provname, String localpath, long extentsize, int keepdirty,
            String remoteaddr, String sourceaddr, String replication, String checksum, String compression,
            String status, long dirty, String exportaddr, String device, Statistics statistics, Queues queues,
            SyncProgress sync, String problem, boolean connected, Consistency consistency) {
        this(name, role, provname, localpath, extentsize, keepdirty, remoteaddr, sourceaddr, replication, checksum,
                compression, status, dirty, exportaddr, device, statistics, queues, sync, problem, connected,
                consistency, null, null);
    }

    /** The same information with {@code device} as the kernel device. */
    public ResourceInfo withDevice(String device) {
        return new ResourceInfo(name, role, provname, localpath, extentsize, keepdirty, remoteaddr, sourceaddr,
                replication, checksum, compression, status, dirty, exportaddr, device, statistics, queues, sync,
                problem, connected, consistency, protocol, syncrate);
    }
}
