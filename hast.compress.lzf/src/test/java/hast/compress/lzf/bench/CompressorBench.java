package hast.compress.lzf.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import hast.compress.lzf.LzfCompressor;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Throughput of one block per operation, cycling through the corpus so that a 1 MiB block is not
 * always the same one. MB/s = ops/s times {@code blockSize}; run/bench/codec-bench.sh converts.
 * The baselines are the JDK's zlib at level 1: Deflater for compression, Inflater for
 * decompression.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressorBench {
    @Param({"text", "zeros", "random", "fsimage"})
    public String data;

    @Param({"65536", "1048576"})
    public int blockSize;

    private byte[][] blocks;
    private ByteBuffer[] heap;
    private byte[][] lzf;
    private byte[][] deflated;
    private byte[] out;
    private int next;

    private final LzfCompressor compressor = new LzfCompressor();
    private final Deflater deflater = new Deflater(1);
    private final Inflater inflater = new Inflater();

    /** Prepares only what the benchmark about to run needs: a fork's set-up runs cold code. */
    @Setup
    public void setUp(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        blocks = CodecCorpus.blocks(data, blockSize);
        heap = new ByteBuffer[blocks.length];
        lzf = new byte[blocks.length][];
        deflated = new byte[blocks.length][];
        out = new byte[blockSize + blockSize / 8 + 64];
        RawLzf raw = new RawLzf();
        for (int i = 0; i < blocks.length; i++) {
            heap[i] = ByteBuffer.wrap(blocks[i]);
            if (benchmark.endsWith(".lzfDecompress")) {
                lzf[i] = raw.encode(blocks[i]);
            }
            if (benchmark.endsWith(".inflate")) {
                deflated[i] = Arrays.copyOf(out, deflate(blocks[i]));
            }
        }
    }

    @TearDown
    public void tearDown() {
        deflater.end();
        inflater.end();
    }

    private int index() {
        int i = next;
        next = i + 1 == blocks.length ? 0 : i + 1;
        return i;
    }

    private int deflate(byte[] block) {
        deflater.reset();
        deflater.setInput(block);
        deflater.finish();
        int n = 0;
        while (!deflater.finished()) {
            n += deflater.deflate(out, n, out.length - n);
        }
        return n;
    }

    /** Ours, through the Compressor service: encode, the 1024-byte rule, and a copy of a kept result. */
    @Benchmark
    public ByteBuffer lzfCompress() {
        return compressor.compress(heap[index()]);
    }

    /** Ours: the library's bounds-checked decoder into an array of the announced length. */
    @Benchmark
    public ByteBuffer lzfDecompress() throws IOException {
        int i = index();
        return compressor.decompress(ByteBuffer.wrap(lzf[i]), blocks[i].length);
    }

    @Benchmark
    public int deflate1() {
        return deflate(blocks[index()]);
    }

    @Benchmark
    public byte[] inflate() throws DataFormatException {
        int i = index();
        byte[] o = new byte[blocks[i].length];
        inflater.reset();
        inflater.setInput(deflated[i]);
        int n = 0;
        while (!inflater.finished()) {
            n += inflater.inflate(o, n, o.length - n);
        }
        return o;
    }
}
