package hast.engine.local;

import java.nio.ByteBuffer;

/**
 * The engine's one megabyte of zeroes, read-only: what a zeroing request writes, what a hole
 * decodes to, what a payload is compared with. A direct buffer is written when it is made and
 * stays resident for good, so each copy of it was a megabyte of every daemon's idle memory.
 */
public final class Zeroes {
    /** The largest run of zeroes at hand; callers take views of it ({@code duplicate}, {@code slice}). */
    public static final int BYTES = 1 << 20;
    private static final ByteBuffer SHARED = ByteBuffer.allocateDirect(BYTES).asReadOnlyBuffer();

    private Zeroes() {
    }

    /** A view of the first {@code bytes} zeroes, position 0, at most {@link #BYTES}. */
    public static ByteBuffer view(int bytes) {
        return SHARED.slice(0, bytes);
    }
}
