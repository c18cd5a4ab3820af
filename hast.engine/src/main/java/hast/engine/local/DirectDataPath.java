package hast.engine.local;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Direct I/O (O_DIRECT): requests bypass the page cache. The kernel takes only requests whose
 * offset, length and buffer address are multiples of the alignment; a buffer that is not aligned
 * is copied through an aligned one, and a request whose offset or length is not (NBD clients may
 * send any multiple of the 512-byte sector) goes through the page cache instead, which Linux
 * keeps coherent with direct I/O on the same file.
 */
final class DirectDataPath implements DataPath {
    private final DataPath direct;
    private final DataPath buffered;
    private final int alignment;
    private final AlignedBuffers bounce;

    /**
     * @param direct    the provider opened O_DIRECT
     * @param buffered  the same provider through the page cache
     * @param alignment what the direct descriptor requires: the larger of the device's logical
     *                  block size and the JDK's rule (the file system's block size)
     */
    DirectDataPath(DataPath direct, DataPath buffered, int alignment) {
        this.direct = direct;
        this.buffered = buffered;
        this.alignment = alignment;
        this.bounce = new AlignedBuffers(alignment);
    }

    private boolean aligned(long offset, int length) {
        return offset % alignment == 0 && length % alignment == 0;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int length = dst.remaining();
        if (!aligned(offset, length)) {
            buffered.read(dst, offset);
        } else if (bounce.isAligned(dst)) {
            direct.read(dst, offset);
        } else {
            ByteBuffer b = bounce.take(length);
            try {
                direct.read(b, offset);
                dst.put(b.flip());
            } finally {
                bounce.give(b);
            }
        }
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        write(src, offset, false);
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        write(src, offset, true);
    }

    private void write(ByteBuffer src, long offset, boolean durably) throws IOException {
        int length = src.remaining();
        if (!aligned(offset, length)) {
            if (durably) {
                buffered.writeDurably(src, offset);
            } else {
                buffered.write(src, offset);
            }
            return;
        }
        ByteBuffer b = src;
        if (!bounce.isAligned(src)) {
            b = bounce.take(length).put(src).flip();
        }
        try {
            if (durably) {
                direct.writeDurably(b, offset);
            } else {
                direct.write(b, offset);
            }
        } finally {
            if (b != src) {
                bounce.give(b);
            }
        }
    }

    /** fdatasync through either descriptor covers the whole file: dirty pages belong to the file, not the descriptor. */
    @Override
    public void flush() throws IOException {
        buffered.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            direct.close();
        } finally {
            buffered.close();
        }
    }
}
