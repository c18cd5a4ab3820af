package hast.compress.lzf.bench;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

import hast.compress.lzf.LzfCompressor;

/**
 * Prints, per data kind and block size, the bytes our lzf sends per input byte (a block it
 * declines travels whole) and Deflater level 1's, as tab-separated lines for the benchmark table.
 */
public final class CorpusSizes {
    private CorpusSizes() {
    }

    public static void main(String[] args) {
        LzfCompressor lzf = new LzfCompressor();
        Deflater deflater = new Deflater(1);
        for (String kind : args[0].split(",")) {
            for (String size : args[1].split(",")) {
                int blockSize = Integer.parseInt(size);
                byte[][] blocks = CodecCorpus.blocks(kind, blockSize);
                byte[] out = new byte[blockSize * 2 + 64];
                long in = 0;
                long sent = 0;
                long deflated = 0;
                int kept = 0;
                for (byte[] b : blocks) {
                    in += b.length;
                    ByteBuffer c = lzf.compress(ByteBuffer.wrap(b));
                    kept += c == null ? 0 : 1;
                    sent += c == null ? b.length : c.remaining();
                    deflater.reset();
                    deflater.setInput(b);
                    deflater.finish();
                    while (!deflater.finished()) {
                        deflated += deflater.deflate(out);
                    }
                }
                System.out.printf("%s\t%d\t%.3f\t%.3f\t%d/%d%n", kind, blockSize, (double) sent / in,
                        (double) deflated / in, kept, blocks.length);
            }
        }
        deflater.end();
    }
}
