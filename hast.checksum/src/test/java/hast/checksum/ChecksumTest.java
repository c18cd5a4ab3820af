package hast.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import hast.api.codec.Checksum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChecksumTest {
    private static final Checksum CRC32 = new Crc32Checksum();
    private static final Checksum SHA256 = new Sha256Checksum();

    enum Buffer {
        HEAP(ByteBuffer::wrap),
        DIRECT(b -> ByteBuffer.allocateDirect(b.length).put(b).flip()),
        READ_ONLY(b -> ByteBuffer.wrap(b).asReadOnlyBuffer()),
        /** Content at a non-zero array offset and position, with other bytes around it. */
        OFFSET_HEAP(b -> {
            byte[] backing = new byte[b.length + 40];
            new Random(1).nextBytes(backing);
            System.arraycopy(b, 0, backing, 25, b.length);
            return ByteBuffer.wrap(backing, 5, b.length + 30).slice().position(20).limit(20 + b.length);
        }),
        /** The same, off heap. */
        OFFSET_DIRECT(b -> {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length + 40);
            d.put(new byte[17]).put(b).put(new byte[23]);
            return d.position(17).limit(17 + b.length);
        });

        final Function<byte[], ByteBuffer> wrap;

        Buffer(Function<byte[], ByteBuffer> wrap) {
            this.wrap = wrap;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static Stream<Arguments> vectors() {
        byte[] million = new byte[1_000_000];
        Arrays.fill(million, (byte) 'a');
        return Stream.of(
                Arguments.of("crc32", ascii("123456789"), hex("2639f4cb")),            // 0xCBF43926, little-endian
                Arguments.of("crc32", new byte[0], hex("00000000")),
                Arguments.of("crc32", ascii("The quick brown fox jumps over the lazy dog"), hex("39a34f41")),   // 0x414FA339
                Arguments.of("crc32", new byte[32], hex("ad550a19")),                    // 0x190A55AD
                Arguments.of("sha256", ascii("abc"),
                        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
                Arguments.of("sha256", new byte[0],
                        hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
                Arguments.of("sha256", ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                        hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")),
                Arguments.of("sha256", million,
                        hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")));
    }

    private static Checksum named(String name) {
        return name.equals("crc32") ? CRC32 : SHA256;
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("vectors")
    void knownVectorsInEveryKindOfBuffer(String name, byte[] data, byte[] expected) {
        for (Buffer b : Buffer.values()) {
            assertArrayEquals(expected, named(name).digest(b.wrap.apply(data)), name + " " + b);
        }
    }

    @Test
    void lengths() {
        assertEquals(4, CRC32.length());
        assertEquals(32, SHA256.length());
        assertEquals(4, CRC32.digest(ByteBuffer.allocate(3)).length);
        assertEquals(32, SHA256.digest(ByteBuffer.allocate(3)).length);
    }

    @Test
    void digestLeavesPositionAndLimitAlone() {
        for (Checksum c : List.of(CRC32, SHA256)) {
            for (Buffer b : Buffer.values()) {
                ByteBuffer data = b.wrap.apply(new byte[4096]);
                int position = data.position();
                int limit = data.limit();
                c.digest(data);
                assertEquals(position, data.position(), b + " position");
                assertEquals(limit, data.limit(), b + " limit");
            }
        }
    }

    @Test
    void onlyTheRemainingBytesCount() {
        byte[] data = ascii("xx123456789yy");
        ByteBuffer window = ByteBuffer.wrap(data).position(2).limit(11);
        assertArrayEquals(hex("2639f4cb"), CRC32.digest(window));
    }

    @Test
    void heapAndDirectAgreeAtManySizes() throws Exception {
        Random r = new Random(5);
        for (int size : new int[] {1, 7, 63, 64, 65, 1000, 4096, 65536, 65537, 1 << 20}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            for (Checksum c : List.of(CRC32, SHA256)) {
                byte[] heap = c.digest(Buffer.HEAP.wrap.apply(data));
                for (Buffer b : Buffer.values()) {
                    assertArrayEquals(heap, c.digest(b.wrap.apply(data)), size + " " + b);
                }
            }
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), SHA256.digest(ByteBuffer.wrap(data)));
            CRC32 jdk = new CRC32();
            jdk.update(data);
            assertEquals(jdk.getValue(), ByteBuffer.wrap(CRC32.digest(ByteBuffer.wrap(data)))
                    .order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL);
        }
    }

    @Test
    void manyThreadsGetCorrectDigests() throws Exception {
        int threads = 8;
        byte[][] blocks = new byte[64][];
        byte[][] crcs = new byte[blocks.length][];
        byte[][] shas = new byte[blocks.length][];
        Random r = new Random(9);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new byte[1 + r.nextInt(70_000)];
            r.nextBytes(blocks[i]);
            crcs[i] = CRC32.digest(ByteBuffer.wrap(blocks[i]));
            shas[i] = MessageDigest.getInstance("SHA-256").digest(blocks[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int n = 0; n < 400; n++) {
                        int i = (thread * 31 + n * 7) % blocks.length;
                        Buffer b = Buffer.values()[n % Buffer.values().length];
                        assertArrayEquals(crcs[i], CRC32.digest(b.wrap.apply(blocks[i])));
                        assertArrayEquals(shas[i], SHA256.digest(b.wrap.apply(blocks[i])));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
