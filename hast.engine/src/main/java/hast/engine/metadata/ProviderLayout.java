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
     * User data starts on a multiple of this. The reference rounds the bitmap to the sector size
     * only, which on a 512-byte-sector provider puts data at 4608: every page-sized client write
     * then straddles two pages of the provider, and a buffered file pays a read-modify-write of
     * both (a fifth of the primary's CPU time in a 4 KiB random-write profile).
     */
    static final int DATA_ALIGNMENT = 4096;

    /**
     * The layout {@code hastctl create} makes on a provider: over all of it, or over its first
     * {@code mediasize} bytes.
     *
     * @param path         the provider, named in messages
     * @param providerSize bytes in the provider
     * @param mediasize    bytes to use ({@code hastctl create -m}); 0 for the whole provider
     * @throws HastException with {@link Sysexits#EX_DATAERR} naming the value that does not fit
     */
    public static ProviderLayout forProvider(String path, long providerSize, long mediasize, long extentsize,
            int sectorsize) throws HastException {
        if (mediasize < 0) {
            throw invalid("Invalid mediasize " + mediasize + ".");
        }
        if (mediasize > providerSize) {
            throw invalid("Provided mediasize is larger than provider " + path + " size.");
        }
        return of(mediasize == 0 ? providerSize : mediasize, extentsize, sectorsize);
    }

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
        long extents = extentsFor(mediasize - METADATA_SIZE, extentsize);
        if (extents > Integer.MAX_VALUE) {
            throw invalid("A provider of " + mediasize + " bytes needs " + extents + " extents of " + extentsize
                    + " bytes; at most " + Integer.MAX_VALUE + " are supported: choose a larger extent size.");
        }
        long mapsize = mapsize(mediasize - METADATA_SIZE, extentsize, sectorsize);
        long localoff = METADATA_SIZE + mapsize;
        long minimum = METADATA_SIZE + mapsize(extentsize, extentsize, sectorsize) + extentsize;
        if (mediasize < minimum || mediasize - localoff < extentsize) {
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

    /**
     * Bytes of a bitmap for {@code bytes} of data: one bit per extent, whole 8-byte words, whole
     * sectors, and at least {@value #DATA_ALIGNMENT} bytes' worth so that data starts on a page.
     */
    static long mapsize(long bytes, long extentsize, int sectorsize) {
        long extents = extentsFor(bytes, extentsize);
        long words = (extents + 63) / 64;
        long raw = words * 8;
        long unit = mapUnit(sectorsize);
        return (raw + unit - 1) / unit * unit;
    }

    /**
     * The bitmap is a whole number of these: sectors, and pages so that a part of it can be
     * rewritten in place, through direct I/O too, without touching its neighbours.
     */
    public int mapUnit() {
        return mapUnit(sectorsize);
    }

    private static int mapUnit(int sectorsize) {
        return Math.max(sectorsize, DATA_ALIGNMENT);
    }

    /** Extents needed to cover {@code bytes}, without overflowing near {@link Long#MAX_VALUE}. */
    private static long extentsFor(long bytes, long extentsize) {
        return bytes <= 0 ? 0 : (bytes - 1) / extentsize + 1;
    }

    /** Number of extents covering the user data. */
    public int extents() {
        return (int) extentsFor(datasize, extentsize);
    }

    /** The provider size this layout spans. */
    public long mediasize() {
        return localoff + datasize;
    }

    private static HastException invalid(String message) {
        return new HastException(Sysexits.EX_DATAERR, message);
    }
}
