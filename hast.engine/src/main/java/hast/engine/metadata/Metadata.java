package hast.engine.metadata;

import hast.api.Role;
import hast.api.control.MetadataInfo;

/**
 * The metadata of a resource's local provider: what {@code hastctl create} wrote, plus the
 * counters that decide synchronisation direction and split-brain.
 */
public record Metadata(String resource, long datasize, int extentsize, int keepdirty, long localoff, long resuid,
        long localcnt, long remotecnt, Role prevrole) {

    public Metadata withCounters(long newLocalcnt, long newRemotecnt) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, newLocalcnt, newRemotecnt,
                prevrole);
    }

    public Metadata withResuid(long newResuid) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, newResuid, localcnt, remotecnt,
                prevrole);
    }

    public Metadata withPrevrole(Role role) {
        return new Metadata(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt, role);
    }

    public MetadataInfo toInfo() {
        return new MetadataInfo(resource, datasize, extentsize, keepdirty, localoff, resuid, localcnt, remotecnt,
                prevrole);
    }
}
