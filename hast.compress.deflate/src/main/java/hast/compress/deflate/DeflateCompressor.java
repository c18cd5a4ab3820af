package hast.compress.deflate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import hast.api.codec.Compressor;
import hast.api.codec.HastCompression;

import org.osgi.service.component.annotations.Component;

/**
 * deflate: zlib's format at its fastest level, a codec that no reference node has. It shows what
 * a third-party codec bundle does: once installed (no restart), {@code compression deflate} is a
 * valid setting, and frames use it wherever both nodes have it. As with lzf, a result is kept
 * only if it saves at least {@value #MIN_SAVING} bytes.
 */
@Component
@HastCompression("deflate")
public final class DeflateCompressor implements Compressor {
    static final int MIN_SAVING = 1024;

    @Override
    public ByteBuffer compress(ByteBuffer src) {
        int length = src.remaining();
        if (length <= MIN_SAVING) {
            return null;
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(src.duplicate());
            deflater.finish();
            ByteBuffer out = ByteBuffer.allocate(length - MIN_SAVING);
            deflater.deflate(out);
            return deflater.finished() ? out.flip() : null;
        } finally {
            deflater.end();
        }
    }

    @Override
    public ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException {
        if (originalLength < 0) {
            throw new IOException("deflate: negative length " + originalLength);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(src.duplicate());
            ByteBuffer out = ByteBuffer.allocate(originalLength);
            // The output is exactly as large as announced: the inflater stops there, whatever the input claims.
            inflater.inflate(out);
            if (!inflater.finished() || out.hasRemaining() || inflater.getRemaining() > 0) {
                throw new IOException("deflate: the block does not decode to exactly " + originalLength + " bytes");
            }
            return out.flip();
        } catch (DataFormatException e) {
            throw new IOException("deflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
