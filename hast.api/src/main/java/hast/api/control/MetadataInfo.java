package hast.api.control;

import hast.api.Role;

/**
 * The metadata stored at the start of a resource's local provider, as {@code hastctl dump} shows it.
 *
 * @param resource   resource name the provider belongs to
 * @param datasize   bytes of user data
 * @param extentsize activemap extent size in bytes
 * @param keepdirty  number of recently written extents kept dirty on disk
 * @param localoff   provider offset of the first byte of user data
 * @param resuid     resource unique id; 0 until the first pairing
 * @param localcnt   this node's modification counter
 * @param remotecnt  the peer's modification counter as last seen
 * @param prevrole   the role when the metadata was last written
 * @param consistency whether the copy on this provider may be promoted (see {@link Consistency})
 */
public record MetadataInfo(String resource, long datasize, int extentsize, int keepdirty, long localoff,
        long resuid, long localcnt, long remotecnt, Role prevrole, Consistency consistency) {
}
