package hast.compress.lzf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test data of the kinds a replicated device carries. */
final class Blocks {
    private static final byte[] SENTENCE = ("The primary replicates every write, trim and flush to the secondary; "
            + "dirty extents are copied again after a reconnect.\n").getBytes(StandardCharsets.US_ASCII);

    private Blocks() {
    }

    /** Bytes from a seeded generator: incompressible. */
    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] zeros(int length) {
        return new byte[length];
    }

    /** One sentence over and over: highly compressible, with matches at every distance LZF reaches. */
    static byte[] repeatedText(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = SENTENCE[i % SENTENCE.length];
        }
        return b;
    }

    /** Words drawn at random from a small vocabulary: compressible, but not trivially. */
    static byte[] wordSalad(int length, long seed) {
        String[] words = {"extent", "primary", "secondary", "write", "flush", "the", "a", "of", "activemap",
            "resource", "replication", "keepdirty", "to", "and", "block", "device", "synchronisation"};
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder(length + 32);
        while (s.length() < length) {
            s.append(words[r.nextInt(words.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
        }
        return s.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** A heap buffer whose content starts at a non-zero array offset and position, with bytes either side. */
    static ByteBuffer offsetHeap(byte[] b) {
        byte[] backing = new byte[b.length + 29];
        new Random(b.length).nextBytes(backing);
        System.arraycopy(b, 0, backing, 17, b.length);
        ByteBuffer whole = ByteBuffer.wrap(backing, 5, b.length + 20);
        ByteBuffer slice = whole.slice();   // array offset 5
        return slice.position(12).limit(12 + b.length);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
