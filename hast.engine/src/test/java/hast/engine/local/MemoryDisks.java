package hast.engine.local;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;

/**
 * A third party's local provider factory, as the engine sees one: {@code mem:<name>} values open
 * a disk in this JVM's memory, one per name, kept across close and open as a disk is.
 */
public final class MemoryDisks implements LocalProviderFactory {
    /** The kind served, as the factory's service property says. */
    public static final String KIND = "mem";
    /** The service properties a DS component of this factory would be registered with. */
    public static final Map<String, Object> PROPERTIES = Map.of(LocalProviderFactory.KIND, KIND);
    private static final int SECTOR = 512;

    private final int size;
    private final Map<String, byte[]> disks = new ConcurrentHashMap<>();

    /** @param size bytes of every disk, made (zeroed) at its first open */
    public MemoryDisks(int size) {
        this.size = size;
    }

    @Override
    public LocalProvider open(String local, Options options) throws IOException {
        if (!local.startsWith(KIND + ":")) {
            throw new IOException(local + " is not a " + KIND + ": disk");
        }
        return new Disk(local, disks.computeIfAbsent(local, l -> new byte[size]), options.readOnly());
    }

    /** Every disk opened so far, by its {@code local}. */
    public byte[] bytes(String local) {
        return disks.get(local);
    }

    private static final class Disk implements LocalProvider {
        private final String local;
        private final byte[] bytes;
        private final boolean readOnly;

        Disk(String local, byte[] bytes, boolean readOnly) {
            this.local = local;
            this.bytes = bytes;
            this.readOnly = readOnly;
        }

        @Override
        public String path() {
            return local;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public int sectorSize() {
            return SECTOR;
        }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            check(offset, dst.remaining());
            synchronized (bytes) {
                dst.put(bytes, (int) offset, dst.remaining());
            }
        }

        @Override
        public void write(ByteBuffer src, long offset) throws IOException {
            writable();
            check(offset, src.remaining());
            synchronized (bytes) {
                src.get(bytes, (int) offset, src.remaining());
            }
        }

        @Override
        public void flush() {
            // Memory is as durable as this disk gets.
        }

        @Override
        public void delete(long offset, long length) throws IOException {
            writable();
            check(offset, length);
            synchronized (bytes) {
                java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
            }
        }

        private void check(long offset, long length) throws IOException {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("Invalid range on " + local + ": offset " + offset + ", length "
                        + length);
            }
            if (offset + length > bytes.length) {
                throw new EOFException(local + " ends at " + bytes.length + ", before " + (offset + length));
            }
        }

        private void writable() throws IOException {
            if (readOnly) {
                throw new IOException(local + " is open read-only");
            }
        }

        @Override
        public void close() {
            // The bytes stay with the factory, for the next open.
        }
    }
}
