package hast.api.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The local component of a resource, addressed by byte offsets: a regular file, a block device,
 * or whatever storage a {@link LocalProviderFactory} opens. Offsets here are provider offsets
 * (metadata at 0, activemap, then data).
 *
 * <p>Implementations are safe for concurrent calls on disjoint ranges.
 */
@ConsumerType
public interface LocalProvider extends Closeable {

    /** The path this provider was opened from, as configured ({@code local}). */
    String path();

    /** Bytes in the provider (the media size). */
    long size() throws IOException;

    /** The logical sector size: offsets and lengths of data requests are multiples of it. */
    int sectorSize();

    /** Reads {@code dst.remaining()} bytes at {@code offset}; a short provider is an {@link java.io.EOFException}. */
    void read(ByteBuffer dst, long offset) throws IOException;

    /** Writes all of {@code src} at {@code offset}. */
    void write(ByteBuffer src, long offset) throws IOException;

    /** Makes completed writes durable (fdatasync or a cache flush). */
    void flush() throws IOException;

    /**
     * Writes all of {@code src} at {@code offset} and returns once those bytes are durable,
     * without waiting for other writes still in the cache: the activemap's marks must reach
     * stable storage before the data they cover, and flushing every dirty data page with them
     * makes each mark cost as much as the writes before it.
     */
    default void writeDurably(ByteBuffer src, long offset) throws IOException {
        write(src, offset);
        flush();
    }

    /**
     * Where the next range that may hold data begins, at or after {@code offset}: everything in
     * between reads as zeros (a hole). {@link #size()} when no data follows. Asked by the NBD
     * export's block status so that clients skip holes; a provider that cannot tell keeps this
     * default, which knows of no hole (always correct: a hole is only ever a promise of zeros).
     */
    default long nextData(long offset) throws IOException {
        return offset;
    }

    /**
     * Where the range of data at {@code offset} ends: the next hole at or after it, or
     * {@link #size()}. The default knows of no hole.
     */
    default long nextHole(long offset) throws IOException {
        return size();
    }

    /**
     * Releases {@code length} bytes at {@code offset} (trim); they read back as zeros afterwards.
     * A provider that cannot release space writes zeros instead.
     */
    void delete(long offset, long length) throws IOException;
}
