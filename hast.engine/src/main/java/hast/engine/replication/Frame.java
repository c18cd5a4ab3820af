package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

import hast.api.transport.Connection;

/**
 * One message between primary and secondary: a fixed 40-byte header and an optional payload.
 *
 * <pre>
 * u32 magic "HAST"  u8 version  u8 type  u16 flags  u64 seq  u64 offset  u64 length
 * u32 payload bytes  i32 error
 * </pre>
 * Big-endian. A frame of a version or type we do not know, or with an absurd payload size, is a
 * {@link ProtocolException}: the connection is dropped, the daemon goes on.
 *
 * @param seq     request number, echoed by its replies (0 for keepalives)
 * @param offset  data offset of the request
 * @param length  bytes the request covers (for a trim, more than the payload)
 * @param error   errno of a failed request in a reply, else 0
 * @param payload data, or {@code null}
 */
public record Frame(Type type, int flags, long seq, long offset, long length, int error, ByteBuffer payload) {
    static final int MAGIC = 0x48415354;
    static final int VERSION = 1;
    static final int HEADER = 40;
    /** Largest payload: a maximal request, or a handshake with a large activemap. */
    static final int MAX_PAYLOAD = 64 << 20;

    /** Requests from the primary, answers from the secondary. */
    public enum Type {
        HELLO, WELCOME, REFUSE, WRITE, DELETE, FLUSH, READ, KEEPALIVE, REPLY, RECEIVED;

        static Type of(int code) throws ProtocolException {
            if (code < 1 || code > values().length) {
                throw new ProtocolException("unknown frame type " + code);
            }
            return values()[code - 1];
        }

        int code() {
            return ordinal() + 1;
        }
    }

    /** WRITE flag: the primary wants a RECEIVED reply as soon as the data is in memory (memsync). */
    public static final int FLAG_RECEIPT = 1;
    /** WRITE flag: a synchronisation write, not a client's. */
    public static final int FLAG_SYNC = 2;

    public static Frame request(Type type, int flags, long seq, long offset, long length, ByteBuffer payload) {
        return new Frame(type, flags, seq, offset, length, 0, payload);
    }

    public static Frame reply(Type type, long seq, int error, ByteBuffer payload) {
        return new Frame(type, 0, seq, 0, 0, error, payload);
    }

    public int payloadSize() {
        return payload == null ? 0 : payload.remaining();
    }

    /** Writes header and payload; callers serialise writers. */
    public void write(Connection c) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).putInt(MAGIC).put((byte) VERSION).put((byte) type.code())
                .putShort((short) flags).putLong(seq).putLong(offset).putLong(length).putInt(payloadSize())
                .putInt(error).flip();
        c.writeFully(h);
        if (payload != null) {
            c.writeFully(payload.duplicate());
        }
    }

    public static Frame read(Connection c) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        c.readFully(h);
        h.flip();
        if (h.getInt() != MAGIC) {
            throw new ProtocolException("not a HAST frame (bad magic) from " + c.peer());
        }
        int version = Byte.toUnsignedInt(h.get());
        if (version != VERSION) {
            throw new ProtocolException("protocol version " + version + " from " + c.peer() + " (we speak " + VERSION + ")");
        }
        Type type = Type.of(Byte.toUnsignedInt(h.get()));
        int flags = Short.toUnsignedInt(h.getShort());
        long seq = h.getLong();
        long offset = h.getLong();
        long length = h.getLong();
        int size = h.getInt();
        int error = h.getInt();
        if (size < 0 || size > MAX_PAYLOAD) {
            throw new ProtocolException("payload of " + Integer.toUnsignedString(size) + " bytes from " + c.peer());
        }
        ByteBuffer payload = null;
        if (size > 0) {
            payload = ByteBuffer.allocate(size);
            c.readFully(payload);
            payload.flip();
        }
        return new Frame(type, flags, seq, offset, length, error, payload);
    }
}
