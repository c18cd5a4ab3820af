package hast.compress.lzf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import hast.api.codec.Compressor;
import hast.api.codec.HastCompression;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * lzf: a raw LZF block of the whole buffer, as hastd sends it (the engine's frame carries the
 * original length, so no chunk headers are needed). As in hastd, a buffer of 1024 bytes or less
 * is not worth compressing, and a result is kept only if it saves at least 1024 bytes.
 * Neither method moves the position of its argument.
 */
@Component
@HastCompression("lzf")
public final class LzfCompressor implements Compressor {
    /** Buffers up to this size travel as they are, and a result must be this much smaller to be kept. */
    static final int MIN_SAVING = 1024;

    private final Queue<LzfBlockEncoder> idle = new ConcurrentLinkedQueue<>();
    private final LzfBlockDecoder decoder = new LzfBlockDecoder();

    @Override
    public ByteBuffer compress(ByteBuffer src) {
        int length = src.remaining();
        if (length <= MIN_SAVING) {
            return null;
        }
        LzfBlockEncoder encoder = idle.poll();
        if (encoder == null) {
            encoder = new LzfBlockEncoder();
        }
        try {
            int written;
            if (src.hasArray()) {
                written = encoder.encode(src.array(), src.arrayOffset() + src.position(), length);
            } else {
                byte[] copy = encoder.inputScratch(length);
                src.get(src.position(), copy, 0, length);
                written = encoder.encode(copy, 0, length);
            }
            return written <= length - MIN_SAVING ? ByteBuffer.wrap(Arrays.copyOf(encoder.output(), written)) : null;
        } finally {
            idle.offer(encoder);
        }
    }

    @Override
    public ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException {
        int length = src.remaining();
        byte[] out;
        if (src.hasArray()) {
            out = decoder.decode(src.array(), src.arrayOffset() + src.position(), length, originalLength);
        } else {
            byte[] copy = new byte[length];
            src.get(src.position(), copy, 0, length);
            out = decoder.decode(copy, 0, length, originalLength);
        }
        return ByteBuffer.wrap(out);
    }

    /** Lets go of the pooled encoders' buffers (up to a little more than the largest block each). */
    @Deactivate
    void deactivate() {
        idle.clear();
    }
}
