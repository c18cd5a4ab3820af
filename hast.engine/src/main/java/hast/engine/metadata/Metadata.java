package hast.engine.metadata;

import java.util.List;

import hast.api.Role;
import hast.api.control.Consistency;
import hast.api.control.MetadataInfo;

/**
 * The metadata of a resource's local provider: what {@code hastctl create} wrote, plus the
 * counters that decide synchronisation direction and split-brain.
 *
 * @param stale extents whose current data only the peer holds (a local write failed where the
 *              peer's succeeded), ascending; they must be copied from the peer before this copy
 *              may serve them, and at most {@link MetadataCodec#MAX_STALE} fit
 * @param consistency whether this copy may be promoted: set before a synchronisation starts to
 *              change it, cleared once one finished and was flushed here
 */
public record Metadata(String resource, long datasize, int extentsize, int keepdirty, long localoff, long resuid,
        long localcnt, long remotecnt, Role prevrole, List<Integer> stale, Consistency consistency) {

    public Metadata {
        stale = List.copyOf(stale);
        java.util.Objects.requireNonNull(consistency, "consistency");
    }

    /** Metadata of a consistent copy with no stale extent. */
    public Metadata(String resource, long datasize, int extentsize, int keepdirty, long localoff, long resuid,
            long localcnt, long remotecnt, Role prevrole) {
        this(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt, prevrole, List.of(),
                Consistency.CONSISTENT);
    }

    public Metadata withCounters(long newLocalcnt, long newRemotecnt) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, newLocalcnt, newRemotecnt,
                prevrole, stale, consistency);
    }

    public Metadata withResuid(long newResuid) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, newResuid, localcnt, remotecnt,
                prevrole, stale, consistency);
    }

    public Metadata withPrevrole(Role role) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt, role,
                stale, consistency);
    }

    /** @param extents ascending extent numbers */
    public Metadata withStale(List<Integer> extents) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt, prevrole,
                extents, consistency);
    }

    public Metadata withConsistency(Consistency c) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt, prevrole,
                stale, c);
    }

    public MetadataInfo toInfo() {
        return new MetadataInfo(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt,
                prevrole, consistency);
    }
}
