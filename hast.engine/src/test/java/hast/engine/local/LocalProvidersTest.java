package hast.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;

/** How a {@code local} value finds the factory that opens it. */
class LocalProvidersTest {
    private static final LocalProviderFactory.Options READ_WRITE = new LocalProviderFactory.Options(false, false);

    @TempDir
    Path dir;

    @Test
    void aValueStartingWithAUriSchemeIsOfThatKindAndAPathIsAFileUnlessItIsABlockDevice() throws IOException {
        assertEquals("s3", LocalProviders.kind("s3://bucket/disk0"));
        assertEquals("rbd", LocalProviders.kind("RBD:pool/image"));
        assertEquals("mem", LocalProviders.kind("mem:alpha"));
        Path file = Files.createFile(dir.resolve("disk.img"));
        assertEquals(LocalProviderFactory.FILE, LocalProviders.kind(file.toString()));
        assertEquals(LocalProviderFactory.FILE, LocalProviders.kind(dir.resolve("not-yet").toString()),
                "a missing path goes to the file provider, which says what is wrong with it");
        assertEquals(LocalProviderFactory.FILE, LocalProviders.kind(dir.resolve("a:b").toString()),
                "a colon after a slash is part of a path");
    }

    @Test
    void aBlockDeviceIsOfKindBlock() throws Exception {
        // A node of the loop driver's first device, made here (as root, as the tests run): what
        // decides the kind is the file's type, whatever /dev of this machine holds.
        Path device = dir.resolve("loop0");
        assertEquals(0, new ProcessBuilder("mknod", device.toString(), "b", "7", "0").inheritIO().start().waitFor());
        assertEquals(LocalProviderFactory.BLOCK, LocalProviders.kind(device.toString()));
    }

    @Test
    void eachValueIsOpenedByTheFactoryOfItsKind() throws IOException {
        LocalProviders providers = LocalProviders.filesOnly();
        MemoryDisks memory = new MemoryDisks(1 << 20);
        providers.add(memory, MemoryDisks.PROPERTIES);
        Path file = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        try (LocalProvider p = providers.open(file.toString(), READ_WRITE)) {
            assertInstanceOf(FileProvider.class, p);
        }
        try (LocalProvider p = providers.open("mem:alpha", READ_WRITE)) {
            p.write(ByteBuffer.wrap(new byte[] {7}), 512);
            assertEquals("mem:alpha", p.path());
        }
        assertEquals(7, memory.bytes("mem:alpha")[512]);
    }

    @Test
    void aKindNoFactoryServesIsAnErrorNamingTheValueAndTheKind() {
        LocalProviders providers = LocalProviders.filesOnly();
        IOException e = assertThrows(IOException.class, () -> providers.open("s3://bucket/disk0", READ_WRITE));
        assertEquals("no local provider serves s3://bucket/disk0 (kind s3): no LocalProviderFactory of that kind is"
                + " registered", e.getMessage());
        assertEquals(e.getMessage(), providers.problem("s3://bucket/disk0"));
        assertNull(providers.problem(dir.resolve("disk.img").toString()));
        assertEquals("no local provider serves " + dir + " (kind file): no LocalProviderFactory of that kind is"
                + " registered", new LocalProviders().problem(dir.toString()), "files are a kind like any other");
    }

    @Test
    void theHighestRankingServesAndTheFirstBoundAmongEquals() throws IOException {
        LocalProviders providers = new LocalProviders();
        MemoryDisks first = new MemoryDisks(4096);
        MemoryDisks second = new MemoryDisks(4096);
        MemoryDisks preferred = new MemoryDisks(4096);
        providers.add(first, MemoryDisks.PROPERTIES);
        providers.add(second, MemoryDisks.PROPERTIES);
        assertSame(first, opener(providers, first, second));
        providers.add(preferred, Map.of(LocalProviderFactory.KIND, new String[] {"MEM"}, Constants.SERVICE_RANKING, 5));
        assertSame(preferred, opener(providers, first, second, preferred));
        providers.remove(preferred);
        providers.remove(first);
        assertSame(second, opener(providers, first, second, preferred));
    }

    @Test
    void aProviderOutlivesItsFactory() throws IOException {
        LocalProviders providers = new LocalProviders();
        MemoryDisks memory = new MemoryDisks(4096);
        providers.add(memory, MemoryDisks.PROPERTIES);
        try (LocalProvider p = providers.open("mem:alpha", READ_WRITE)) {
            providers.remove(memory);
            p.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
            ByteBuffer back = ByteBuffer.allocate(3);
            p.read(back, 0);
            assertArrayEquals(new byte[] {1, 2, 3}, back.array());
            assertThrows(IOException.class, () -> providers.open("mem:alpha", READ_WRITE),
                    "the next open waits for another factory");
        }
    }

    /** Which of {@code candidates} opened {@code mem:x}: the one whose disk holds it afterwards. */
    private static MemoryDisks opener(LocalProviders providers, MemoryDisks... candidates) throws IOException {
        String local = "mem:" + System.nanoTime();
        providers.open(local, READ_WRITE).close();
        return Stream.of(candidates).filter(c -> c.bytes(local) != null).findFirst().orElseThrow();
    }
}
