package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.storage.LocalProvider;

/**
 * The primary's local disk, watched for progress: it has stalled when it has had operations
 * outstanding and finished none of them for a while. A request that merely waits (for a pool
 * thread, an overlapping write, a secondary that is slow to read) is not the disk's doing; see
 * {@link LocalDeadline}.
 */
final class WatchedDisk implements LocalProvider {
    private final LocalProvider disk;
    private final AtomicInteger outstanding = new AtomicInteger();
    /** When the disk last finished an operation, or got work while idle. */
    private volatile long progressNanos = System.nanoTime();

    WatchedDisk(LocalProvider disk) {
        this.disk = disk;
    }

    /** Whether operations have been outstanding and none finished for {@code timeout}. */
    boolean stalledFor(Duration timeout) {
        return outstanding.get() > 0 && System.nanoTime() - progressNanos > timeout.toNanos();
    }

    private void enter() {
        if (outstanding.getAndIncrement() == 0) {
            progressNanos = System.nanoTime();
        }
    }

    private void leave() {
        progressNanos = System.nanoTime();
        outstanding.decrementAndGet();
    }

    @Override
    public String path() {
        return disk.path();
    }

    @Override
    public long size() throws IOException {
        return disk.size();
    }

    @Override
    public int sectorSize() {
        return disk.sectorSize();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        enter();
        try {
            disk.read(dst, offset);
        } finally {
            leave();
        }
    }

    @Override
    public long nextData(long offset) throws IOException {
        return seek(disk::nextData, offset);
    }

    @Override
    public long nextHole(long offset) throws IOException {
        return seek(disk::nextHole, offset);
    }

    /** A search for data or holes: it may wait for the disk (the file system's extent tree) as a read does. */
    private long seek(Seek seek, long offset) throws IOException {
        enter();
        try {
            return seek.from(offset);
        } finally {
            leave();
        }
    }

    @FunctionalInterface
    private interface Seek {
        long from(long offset) throws IOException;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        enter();
        try {
            disk.write(src, offset);
        } finally {
            leave();
        }
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        enter();
        try {
            disk.writeDurably(src, offset);
        } finally {
            leave();
        }
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            disk.flush();
        } finally {
            leave();
        }
    }

    @Override
    public void delete(long offset, long length) throws IOException {
        enter();
        try {
            disk.delete(offset, length);
        } finally {
            leave();
        }
    }

    /** The disk belongs to the resource's {@link LocalComponent}, which closes it. */
    @Override
    public void close() {
    }
}
