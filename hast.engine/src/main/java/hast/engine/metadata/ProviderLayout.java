package hast.engine.metadata;

import hast.api.HastException;
import hast.api.Sysexits;

/**
 * Where things live on a provider: metadata in the first {@value #METADATA_SIZE} bytes, then the
 * activemap bitmap ({@code mapsize} bytes), then user data from {@code localoff} on.
 *
 * @param extentsize bytes per activemap bit, a power of two
 * @param sectorsize the provider's sector size
 * @param mapsize    bytes of the on-disk bitmap, a whole number of sectors
 * @param localoff   provider offset of user data
 * @param datasize   bytes of user data
 */
public record ProviderLayout(long extentsize, int sectorsize, long mapsize, long localoff, long datasize) {
    /** Bytes reserved for the metadata block at offset 0. */
    public static final int METADATA_SIZE = 4096;

    /**
     * The layout {@code hastctl create} makes on {@code mediasize} bytes.
     *
     * @throws HastException with {@link Sysexits#EX_DATAERR} naming the value that does not fit
     */
    public static ProviderLayout of(long mediasize, long extentsize, int sectorsize) throws HastException {
        if (sectorsize <= 0 || Integer.bitCount(sectorsize) != 1) {
            throw invalid("Sector size " + sectorsize + " is not a power of two.");
        }
        if (extentsize < sectorsize || extentsize % sectorsize != 0) {
            throw invalid("Extent size " + extentsize + " must be a multiple of the sector size (" + sectorsize + ").");
        }
        // The reference asserts this deep inside its arithmetic; refusing it here is kinder.
        if (Long.bitCount(extentsize) != 1 || extentsize > Integer.MAX_VALUE) {
            throw invalid("Extent size " + extentsize + " is not a power of two (up to 1G).");
        }
        long mapsize = mapsize(mediasize - METADATA_SIZE, extentsize, sectorsize);
        long localoff = METADATA_SIZE + mapsize;
        long minimum = localoff + extentsize;
        if (mediasize < minimum) {
            throw invalid("Provider of " + mediasize + " bytes is too small: with extents of " + extentsize
                    + " bytes it needs at least " + minimum + " bytes (metadata, activemap and one extent of data).");
        }
        return new ProviderLayout(extentsize, sectorsize, mapsize, localoff, mediasize - localoff);
    }

    /** The layout stored metadata describes: the bitmap lies between the metadata block and localoff. */
    public static ProviderLayout of(Metadata md, int sectorsize) {
        return new ProviderLayout(md.extentsize(), sectorsize, md.localoff() - METADATA_SIZE, md.localoff(),
                md.datasize());
    }

    /** Bytes of a bitmap for {@code bytes} of data: one bit per extent, whole 8-byte words, whole sectors. */
    static long mapsize(long bytes, long extentsize, int sectorsize) {
        long extents = Math.max(0, (bytes + extentsize - 1) / extentsize);
        long words = (extents + 63) / 64;
        long raw = words * 8;
        return (raw + sectorsize - 1) / sectorsize * sectorsize;
    }

    /** Number of extents covering the user data. */
    public int extents() {
        return (int) ((datasize + extentsize - 1) / extentsize);
    }

    /** The provider size this layout spans. */
    public long mediasize() {
        return localoff + datasize;
    }

    private static HastException invalid(String message) {
        return new HastException(Sysexits.EX_DATAERR, message);
    }
}
