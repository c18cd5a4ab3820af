package hast.engine.codec;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compressions and checksums a node can decode, as it announces them to its peer: at the
 * handshake and whenever a codec bundle comes or goes. A sender uses nothing else.
 */
public record CodecSet(Set<String> compressions, Set<String> checksums) {
    /** Longest codec name on the wire (names are short ASCII words, see hast.conf's grammar). */
    static final int MAX_NAME = 64;
    private static final int MAX_NAMES = 256;

    public CodecSet {
        compressions = Set.copyOf(compressions);
        checksums = Set.copyOf(checksums);
    }

    /** What a peer that announced nothing can decode. */
    public static final CodecSet PLAIN = new CodecSet(Set.of(Codecs.NONE), Set.of(Codecs.NONE));

    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(4 + (compressions.size() + checksums.size()) * (1 + MAX_NAME));
        put(b, compressions);
        put(b, checksums);
        return b.flip();
    }

    /** Reads what {@link #encode} wrote, leaving {@code b} after it. */
    public static CodecSet decode(ByteBuffer b) throws ProtocolException {
        try {
            return new CodecSet(names(b), names(b));
        } catch (RuntimeException e) {
            throw new ProtocolException("malformed codec list: " + e);
        }
    }

    private static void put(ByteBuffer b, Set<String> names) {
        b.putShort((short) names.size());
        for (String n : new TreeSet<>(names)) {
            byte[] bytes = n.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) bytes.length).put(bytes);
        }
    }

    private static Set<String> names(ByteBuffer b) throws ProtocolException {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > MAX_NAMES) {
            throw new ProtocolException(n + " codec names");
        }
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            byte[] name = new byte[Byte.toUnsignedInt(b.get())];
            b.get(name);
            names.add(new String(name, StandardCharsets.US_ASCII));
        }
        return names;
    }
}
