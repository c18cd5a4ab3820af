package hast.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import hast.api.codec.Checksum;
import hast.testkit.Buffers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The two algorithms' own results: published vectors and the JDK's implementations. */
class ChecksumTest {
    private static final Checksum CRC32 = new Crc32Checksum();
    private static final Checksum SHA256 = new Sha256Checksum();

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
        for (Buffers b : Buffers.values()) {
            assertArrayEquals(expected, named(name).digest(b.wrap(data)), name + " " + b);
        }
    }

    @Test
    void onlyTheRemainingBytesCount() {
        byte[] data = ascii("xx123456789yy");
        ByteBuffer window = ByteBuffer.wrap(data).position(2).limit(11);
        assertArrayEquals(hex("2639f4cb"), CRC32.digest(window));
    }

    @Test
    void theJdksAlgorithmsAgreeAtManySizes() throws Exception {
        Random r = new Random(5);
        for (int size : new int[] {1, 7, 63, 64, 65, 1000, 4096, 65536, 65537, 1 << 20}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), SHA256.digest(ByteBuffer.wrap(data)));
            CRC32 jdk = new CRC32();
            jdk.update(data);
            assertEquals(jdk.getValue(), ByteBuffer.wrap(CRC32.digest(ByteBuffer.wrap(data)))
                    .order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL);
        }
    }


}
