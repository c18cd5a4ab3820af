package hast.engine.activemap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import hast.api.storage.LocalProvider;
import hast.engine.metadata.ProviderLayout;

/**
 * The activemap's place on a provider: right after the metadata block.
 *
 * <p>An image is written as the pages that differ from the last one written, from the first to the
 * last of them in one write: a request's mark changes a bit or two, and a durable write of the
 * whole bitmap (64 KiB for 1 TiB in 2 MiB extents) would cost more than the request it guards.
 * Until one write succeeded, and after one failed, the disk's content is unknown and the whole
 * image is written.
 */
public final class ActiveMapStore {
    private final LocalProvider provider;
    private final int mapsize;
    private final int unit;
    private final boolean metaflush;
    /** The image on disk as written last, or {@code null} when unknown (guarded by {@code this}). */
    private byte[] written;

    /** @param metaflush flush the provider's cache after each image write, so a mark survives power loss */
    public ActiveMapStore(LocalProvider provider, ProviderLayout layout, boolean metaflush) {
        this.provider = provider;
        this.mapsize = (int) layout.mapsize();
        this.unit = layout.mapUnit();
        this.metaflush = metaflush;
    }

    public byte[] read() throws IOException {
        ByteBuffer image = ByteBuffer.allocate(mapsize);
        provider.read(image, ProviderLayout.METADATA_SIZE);
        return image.array();
    }

    /**
     * Writes an image; an image equal to the last one written is not written again. Not for
     * concurrent callers with different images: writes are serialised, the caller decides the order.
     */
    public synchronized void write(byte[] image) throws IOException {
        if (image.length != mapsize) {
            throw new IllegalArgumentException("image: " + image.length + " bytes (expected: " + mapsize + ")");
        }
        int from = 0;
        int to = mapsize;
        if (written != null) {
            int first = Arrays.mismatch(written, image);
            if (first < 0) {
                return;
            }
            from = first / unit * unit;
            to = Math.min(mapsize, lastDifferentUnit(image) + unit);
        }
        // A write that fails may have reached the disk in part.
        written = null;
        ByteBuffer changed = ByteBuffer.wrap(image, from, to - from);
        long offset = ProviderLayout.METADATA_SIZE + from;
        if (metaflush) {
            provider.writeDurably(changed, offset);
        } else {
            provider.write(changed, offset);
        }
        written = image.clone();
    }

    /** The offset of the last unit in which {@code image} differs from the one on disk (there is one). */
    private int lastDifferentUnit(byte[] image) {
        int start = (mapsize - 1) / unit * unit;
        while (Arrays.mismatch(written, start, Math.min(mapsize, start + unit), image, start,
                Math.min(mapsize, start + unit)) < 0) {
            start -= unit;
        }
        return start;
    }

    public int mapsize() {
        return mapsize;
    }
}
