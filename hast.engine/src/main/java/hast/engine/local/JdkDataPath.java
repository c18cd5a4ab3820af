package hast.engine.local;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * The JDK's calls: {@code FileChannel.read/write(buf, pos)} are pread/pwrite and
 * {@code force(false)} is fdatasync (checked with strace).
 */
final class JdkDataPath implements DataPath {
    private final Path path;
    private final FileChannel channel;
    private final boolean direct;
    /**
     * The same file opened O_DSYNC, for {@link #writeDurably}: the kernel then writes back and
     * flushes only the range written, where fdatasync would write back every dirty data page.
     * Opened on first use; guarded by {@code this}.
     */
    private FileChannel dsync;

    private JdkDataPath(Path path, FileChannel channel, boolean direct) {
        this.path = path;
        this.channel = channel;
        this.direct = direct;
    }

    static JdkDataPath open(String path, boolean readOnly, boolean direct) throws IOException {
        Path p = Path.of(path);
        OpenOption[] access = readOnly ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        return new JdkDataPath(p, FileChannel.open(p, options(direct, access)), direct);
    }

    private static OpenOption[] options(boolean direct, OpenOption... base) {
        List<OpenOption> options = new ArrayList<>(List.of(base));
        if (direct) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        return options.toArray(OpenOption[]::new);
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new EOFException("Short read from " + path + " at offset " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        writeFully(channel, src, offset);
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        writeFully(dsyncChannel(), src, offset);
    }

    private static void writeFully(FileChannel c, ByteBuffer src, long offset) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += c.write(src, pos);
        }
    }

    private synchronized FileChannel dsyncChannel() throws IOException {
        if (dsync == null) {
            dsync = FileChannel.open(path, options(direct, StandardOpenOption.WRITE, StandardOpenOption.DSYNC));
        }
        return dsync;
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
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
            channel.close();
        }
    }
}
