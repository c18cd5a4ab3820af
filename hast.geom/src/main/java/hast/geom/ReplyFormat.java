package hast.geom;

import java.nio.ByteBuffer;
import java.util.List;

import hast.api.device.Allocation;

/**
 * The replies of one connection, in the form its negotiation chose. Without structured replies
 * (the kernel's client) every answer is a simple reply. With them, a read's data travels in one
 * OFFSET_DATA chunk, block status in a BLOCK_STATUS chunk, and every error in an ERROR chunk (a
 * read may have no simple reply at all); other successes stay simple replies, which the protocol
 * allows and which are shorter than a NONE chunk.
 */
final class ReplyFormat {
    /** Bytes of an error chunk's payload: the error and an empty message's length. */
    private static final int ERROR_PAYLOAD = 6;
    /** Bytes of one block status descriptor: length and state flags. */
    private static final int DESCRIPTOR = 8;

    private final boolean structured;
    private final boolean allocation;

    /**
     * @param structured whether the client negotiated structured replies
     * @param allocation whether it selected {@code base:allocation} for the export it uses (block status)
     */
    ReplyFormat(boolean structured, boolean allocation) {
        this.structured = structured;
        this.allocation = allocation;
    }

    /** Whether the client may ask for block status. */
    boolean allocation() {
        return allocation;
    }

    /** A reply that carries no data: success, or an error. */
    ByteBuffer done(long handle, int error) {
        if (structured && error != 0) {
            return chunk(Nbd.REPLY_TYPE_ERROR, handle, ERROR_PAYLOAD, ERROR_PAYLOAD).putInt(error).putShort((short) 0).flip();
        }
        return ByteBuffer.allocate(Nbd.REPLY_HEADER).putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(error).putLong(handle).flip();
    }

    /** What goes before a successful read's {@code length} bytes of data. */
    ByteBuffer read(long handle, long offset, int length) {
        if (!structured) {
            return done(handle, 0);
        }
        return chunk(Nbd.REPLY_TYPE_OFFSET_DATA, handle, 8 + length, 8).putLong(offset).flip();
    }

    /**
     * The whole answer to a block status of {@code length} bytes: the runs in order, only the first
     * when the client asked for one.
     *
     * @throws IllegalStateException when the device gave no run, or runs past the request: the
     *                               protocol cannot carry them, the client gets EIO
     */
    ByteBuffer blockStatus(long handle, long length, List<Allocation> runs, boolean one) {
        long total = runs.stream().mapToLong(Allocation::length).sum();
        if (runs.isEmpty() || total > length) {
            throw new IllegalStateException("The device answered the allocation of " + length + " bytes with " + runs);
        }
        List<Allocation> sent = one ? runs.subList(0, 1) : runs;
        int payload = 4 + DESCRIPTOR * sent.size();
        ByteBuffer b = chunk(Nbd.REPLY_TYPE_BLOCK_STATUS, handle, payload, payload)
                .putInt(Nbd.BASE_ALLOCATION_ID);
        for (Allocation run : sent) {
            b.putInt((int) run.length()).putInt(run.hole() ? Nbd.STATE_HOLE | Nbd.STATE_ZERO : 0);
        }
        return b.flip();
    }

    /**
     * A final chunk's header announcing {@code payload} bytes, in a buffer with room for the
     * {@code room} of them that are not the data sent after it.
     */
    private static ByteBuffer chunk(int type, long handle, int payload, int room) {
        return ByteBuffer.allocate(Nbd.CHUNK_HEADER + room)
                .putInt(Nbd.STRUCTURED_REPLY_MAGIC).putShort((short) Nbd.REPLY_FLAG_DONE).putShort((short) type)
                .putLong(handle).putInt(payload);
    }
}
