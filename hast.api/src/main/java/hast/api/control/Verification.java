package hast.api.control;

import java.util.List;

/**
 * The outcome of comparing both copies of a primary resource, extent by extent.
 *
 * @param extents    extents of the resource
 * @param extentsize bytes per extent (the last one may be shorter: see {@code datasize})
 * @param datasize   bytes of user data
 * @param differing  the extents whose copies differed, in ascending order; they are marked
 *                   dirty and the next synchronisation copies them from the primary
 * @param skipped    extents not compared because they were waiting for synchronisation anyway
 */
public record Verification(long extents, long extentsize, long datasize, List<Long> differing, long skipped) {
    public Verification {
        differing = List.copyOf(differing);
    }

    /** Bytes of user data of extent {@code extent}: the last one ends with the data. */
    public long extentLength(long extent) {
        return Math.min(extentsize, datasize - extent * extentsize);
    }
}
