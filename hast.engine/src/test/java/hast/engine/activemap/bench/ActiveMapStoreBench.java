package hast.engine.activemap.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import hast.api.HastException;
import hast.engine.activemap.ActiveMapStore;
import hast.engine.local.FileProvider;
import hast.engine.metadata.ProviderLayout;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One durable mark (metaflush, an O_DSYNC write) on a bitmap of {@code mapPages} pages, on a
 * sparse file in {@code hast.bench.dir} (default java.io.tmpdir): {@code changedPages} is the
 * store as it is (the page that changed), {@code wholeImage} what it did before (every page). 4 KiB
 * extents keep the file small: 16 pages are what 1 TiB needs in 2 MiB extents, 64 pages 4 TiB.
 * Run: {@code java -cp ... org.openjdk.jmh.Main ActiveMapStoreBench} after a -Pjmh test-compile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ActiveMapStoreBench {
    @Param({"1", "16", "64"})
    public int mapPages;

    private Path file;
    private FileProvider provider;
    private ActiveMapStore store;
    private byte[] image;
    private int bit;

    @Setup
    public void setUp() throws IOException, HastException {
        long extent = 4096;
        long extents = mapPages * 4096L * 8;
        file = Files.createTempFile(Path.of(System.getProperty("hast.bench.dir", System.getProperty("java.io.tmpdir"))),
                "activemap", ".img");
        long mediasize = ProviderLayout.METADATA_SIZE + mapPages * 4096L + extents * extent;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(mediasize);
        }
        ProviderLayout layout = ProviderLayout.of(mediasize, extent, 512);
        provider = FileProvider.open(file, false);
        store = new ActiveMapStore(provider, layout, true);
        image = new byte[store.mapsize()];
        store.write(image.clone());
    }

    @TearDown
    public void tearDown() throws IOException {
        provider.close();
        Files.deleteIfExists(file);
    }

    /** The next bit to flip: a different page each time, as random writes' marks are. */
    private byte[] nextImage() {
        bit = (bit + 4096 * 8 + 8) % (image.length * 8);
        image[bit >>> 3] ^= (byte) (1 << (bit & 7));
        return image.clone();
    }

    @Benchmark
    public void changedPages() throws IOException {
        store.write(nextImage());
    }

    @Benchmark
    public void wholeImage() throws IOException {
        provider.writeDurably(ByteBuffer.wrap(nextImage()), ProviderLayout.METADATA_SIZE);
    }
}
