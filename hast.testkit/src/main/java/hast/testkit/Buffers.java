package hast.testkit;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.Function;

/**
 * The shapes of buffer the engine hands a plug-in: pooled payloads are direct, decoded frames may
 * be heap slices at an offset, and a plug-in must read only between position and limit.
 */
public enum Buffers {
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

    private final Function<byte[], ByteBuffer> wrap;

    Buffers(Function<byte[], ByteBuffer> wrap) {
        this.wrap = wrap;
    }

    /** A buffer of this shape whose remaining bytes are {@code content}. */
    public ByteBuffer wrap(byte[] content) {
        return wrap.apply(content);
    }

    /** The remaining bytes of {@code b}, leaving its position alone. */
    public static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
