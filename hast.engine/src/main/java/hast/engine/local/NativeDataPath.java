package hast.engine.local;

import java.io.IOException;
import java.nio.ByteBuffer;

import hast.posix.Descriptor;
import hast.posix.Posix;

/** The same calls as {@link JdkDataPath}, through JNR-FFI: pread, pwrite, fdatasync. */
final class NativeDataPath implements DataPath {
    private final String path;
    private final Descriptor fd;
    private final int directFlag;
    /** Opened O_DSYNC on first use, as {@link JdkDataPath} does; guarded by {@code this}. */
    private Descriptor dsync;

    private NativeDataPath(String path, Descriptor fd, int directFlag) {
        this.path = path;
        this.fd = fd;
        this.directFlag = directFlag;
    }

    static NativeDataPath open(String path, boolean readOnly, boolean direct) throws IOException {
        int directFlag = direct ? Posix.oDirect() : 0;
        return new NativeDataPath(path, Descriptor.open(path, (readOnly ? Posix.O_RDONLY : Posix.O_RDWR) | directFlag),
                directFlag);
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        fd.pread(dst, offset);
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        fd.pwrite(src, offset);
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        Descriptor d;
        synchronized (this) {
            if (dsync == null) {
                dsync = Descriptor.open(path, Posix.O_RDWR | Posix.O_DSYNC | directFlag);
            }
            d = dsync;
        }
        d.pwrite(src, offset);
    }

    @Override
    public void flush() throws IOException {
        fd.fdatasync();
    }

    @Override
    public void close() throws IOException {
        try {
            synchronized (this) {
                if (dsync != null) {
                    dsync.close();
                }
            }
        } finally {
            fd.close();
        }
    }
}
