package hast.checksum.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import hast.checksum.Crc32Checksum;
import hast.checksum.Sha256Checksum;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of one digest of one block per operation; MB/s = ops/s times {@code blockSize}. The
 * speed of these checksums does not depend on the bytes, so the blocks are the corpus's random
 * kind ({@code -Dhast.bench.data=DIR} reads DIR/random.bin, as the compressor benchmarks do).
 * The baseline is java.util.zip.CRC32 on the same blocks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChecksumBench {
    @Param({"65536", "1048576"})
    public int blockSize;

    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer[] blocks;
    private int next;

    private final Crc32Checksum crc32 = new Crc32Checksum();
    private final Sha256Checksum sha256 = new Sha256Checksum();

    @Setup
    public void setUp() throws IOException {
        String dir = System.getProperty("hast.bench.data");
        byte[] all;
        if (dir != null && Files.exists(Path.of(dir, "random.bin"))) {
            all = Files.readAllBytes(Path.of(dir, "random.bin"));
        } else {
            all = new byte[8 << 20];
            new Random(0x4841_5354L).nextBytes(all);
        }
        blocks = new ByteBuffer[all.length / blockSize];
        for (int i = 0; i < blocks.length; i++) {
            ByteBuffer b = buffer.equals("direct") ? ByteBuffer.allocateDirect(blockSize) : ByteBuffer.allocate(blockSize);
            blocks[i] = b.put(all, i * blockSize, blockSize).flip();
        }
    }

    private ByteBuffer block() {
        int i = next;
        next = i + 1 == blocks.length ? 0 : i + 1;
        return blocks[i];
    }

    @Benchmark
    public byte[] crc32() {
        return crc32.digest(block());
    }

    @Benchmark
    public byte[] sha256() {
        return sha256.digest(block());
    }

    /** The baseline: the JDK's CRC32 on the same buffer, with no digest array to build. */
    @Benchmark
    public long jdkCrc32() {
        CRC32 c = new CRC32();
        c.update(block().duplicate());
        return c.getValue();
    }

    @Benchmark
    public long jdkCrc32c() {
        CRC32C c = new CRC32C();
        c.update(block().duplicate());
        return c.getValue();
    }
}
