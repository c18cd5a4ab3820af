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
 * Big-endian. The layout is the same in every protocol version (see {@link ProtocolRange}); the
 * version byte is the one the connection agreed on, except in the first frame each side reads,
 * which tells the peer's. A frame of another version than the connection's, of a type we do not
 * know, or with an absurd payload size, is a {@link ProtocolException}: the connection is dropped,
 * the daemon goes on.
 *
 * @param seq     request number, echoed by its replies (0 for keepalives)
 * @param offset  data offset of the request
 * @param length  bytes the request covers (for a trim, more than the payload)
 * @param error   errno of a failed request in a reply, else 0
 * @param payload data, or {@code null}
 */
public record Frame(Type type, int flags, long seq, long offset, long length, int error, ByteBuffer payload) {
    static final int MAGIC = 0x48415354;
    static final int HEADER = 40;
    /** Largest payload: a maximal request, or a handshake with a large activemap. */
    static final int MAX_PAYLOAD = 64 << 20;
    /**
     * Largest payload of a frame the secondary reads before the peer is authenticated (the
     * greeting): a resource name, nonces, proofs, counters and codec names fit many times over,
     * and a stranger announcing more is refused before a byte of it is allocated.
     */
    public static final int MAX_GREETING = 4 << 10;
    /** Largest payload of a data request or reply: the largest request (the reference's MAXPHYS). */
    public static final int MAX_REQUEST_PAYLOAD = 1 << 20;
    /** A payload's first allocation: a peer that announces more must send it before it costs more memory. */
    static final int PAYLOAD_STEP = 1 << 20;

    /**
     * Requests from the primary, answers from the secondary. Each has its code on the wire, fixed
     * here rather than taken from the declaration order, so that adding or reordering a type
     * never changes what an older peer reads.
     */
    public enum Type {
        HELLO(1), WELCOME(2), REFUSE(3), WRITE(4), DELETE(5), FLUSH(6), READ(7), KEEPALIVE(8), REPLY(9), RECEIVED(10),
        /** Either side: the codecs it can decode now (a codec bundle came or went). */
        CODECS(11),
        /**
         * The primary: digest this range of your copy with the checksum the payload names
         * (US-ASCII); the REPLY carries the digest as it is, never encoded.
         */
        DIGEST(12),
        /** The primary's first frame: the resource, and its challenge (see {@link Authentication}). */
        CHALLENGE(13),
        /** The secondary: its challenge and its proof. */
        RESPONSE(14),
        /** The primary: its proof, after which it says HELLO. */
        PROOF(15),
        /**
         * The primary, to a secondary that asked for it in its WELCOME: how far the synchronisation
         * is (offset: bytes copied, length: bytes to copy in this pass); with {@link Frame#SYNC_FINISHED}
         * it is done, and the REPLY comes once the secondary has flushed its disk and recorded that
         * its copy is consistent.
         */
        SYNC(16);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws ProtocolException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new ProtocolException("unknown frame type " + code);
        }

        int code() {
            return code;
        }
    }

    /** REFUSE flag: the secondary found a split-brain. */
    public static final int REFUSED_SPLIT_BRAIN = 1;
    /** REFUSE flag: the primary failed authentication (or the secret is configured on one side only). */
    public static final int REFUSED_AUTHENTICATION = 2;
    /**
     * REFUSE flag: the nodes speak no protocol version in common; the refusal is written in the
     * version of the frame it answers, and its header carries the refusing node's range.
     */
    public static final int REFUSED_VERSION = 4;

    /** WRITE flag: the primary wants a RECEIVED reply as soon as the data is in memory (memsync). */
    public static final int FLAG_RECEIPT = 1;
    /** WRITE flag: a synchronisation write, not a client's. */
    public static final int FLAG_SYNC = 2;
    /** WRITE request or READ reply: the payload is an encoding block (see {@code PayloadCodec}). */
    public static final int FLAG_ENCODED = 4;
    /** WRITE and DELETE flag: the client asked for FUA, so the secondary makes the data durable before it answers. */
    public static final int FLAG_FUA = 8;
    /** SYNC flag: the pass copied everything there was to copy, and every chunk was confirmed. */
    public static final int SYNC_FINISHED = 1;

    public static Frame request(Type type, int flags, long seq, long offset, long length, ByteBuffer payload) {
        return new Frame(type, flags, seq, offset, length, 0, payload);
    }

    public static Frame reply(Type type, long seq, int error, ByteBuffer payload) {
        return reply(type, 0, seq, error, payload);
    }

    public static Frame reply(Type type, int flags, long seq, int error, ByteBuffer payload) {
        return new Frame(type, flags, seq, 0, 0, error, payload);
    }

    public int payloadSize() {
        return payload == null ? 0 : payload.remaining();
    }

    /**
     * Writes header and payload in protocol {@code version}, unbuffered: for the handshake, before
     * a {@link FrameWriter} exists.
     */
    public void write(Connection c, int version) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(HEADER + payloadSize());
        encodeHeader(out, version);
        if (payload != null) {
            out.put(payload.duplicate());
        }
        c.writeFully(out.flip());
    }

    /** Puts the header, in protocol {@code version}, at {@code out}'s position. */
    void encodeHeader(ByteBuffer out, int version) {
        out.putInt(MAGIC).put((byte) version).put((byte) type.code()).putShort((short) flags).putLong(seq)
                .putLong(offset).putLong(length).putInt(payloadSize()).putInt(error);
    }

    /**
     * Reads one frame of protocol {@code version}, unbuffered: for the handshake, which must not
     * read past its own frames.
     */
    public static Frame read(Connection c, int version) throws IOException {
        return body(c, header(c, version, MAX_PAYLOAD));
    }

    /**
     * Reads one frame of protocol {@code version} of an unauthenticated peer: its payload is at
     * most {@value #MAX_GREETING} bytes, and a larger announced size is refused before anything is
     * allocated for it.
     */
    public static Frame readGreeting(Connection c, int version) throws IOException {
        return body(c, header(c, version, MAX_GREETING));
    }

    /**
     * Reads the first frame of a peer, whatever its protocol version: a greeting, as
     * {@link #readGreeting}, with the version it is written in and the range its header advertises.
     */
    public static Opening readOpening(Connection c) throws IOException {
        Header h = header(c, Header.ANY_VERSION, MAX_GREETING);
        Frame f = body(c, h);
        return new Opening(h.version(), ProtocolRange.advertised(h.version(), f.offset(), f.length()), f);
    }

    /**
     * The first frame of a peer, the protocol version it is written in, and the versions the peer
     * speaks (see {@link ProtocolRange}).
     */
    public record Opening(int version, ProtocolRange range, Frame frame) {
    }

    private static Header header(Connection c, int version, int maxPayload) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        c.readFully(h);
        Header header = Header.decode(h.flip(), c.peer(), version);
        if (header.size() > maxPayload) {
            throw new ProtocolException(header.type() + " of " + header.size() + " bytes from " + c.peer()
                    + " (at most " + maxPayload + " before the peer is authenticated)");
        }
        return header;
    }

    private static Frame body(Connection c, Header header) throws IOException {
        return header.with(header.size() > 0 ? readPayload(c, ByteBuffer.allocate(0), header.size()) : null);
    }

    /**
     * Reads a payload of {@code size} bytes, those in {@code buffered} first (which it moves past),
     * into a heap buffer that grows as the bytes arrive: a forged size costs the memory of the
     * bytes really sent, plus one {@link #PAYLOAD_STEP}, before the connection ends short.
     */
    static ByteBuffer readPayload(Connection c, ByteBuffer buffered, int size) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(Math.min(size, PAYLOAD_STEP));
        while (true) {
            int n = Math.min(buffered.remaining(), payload.remaining());
            payload.put(buffered.slice().limit(n));
            buffered.position(buffered.position() + n);
            c.readFully(payload);
            if (payload.capacity() == size) {
                return payload.flip();
            }
            payload = ByteBuffer.allocate((int) Math.min(size, 2L * payload.capacity())).put(payload.flip());
        }
    }

    /** A frame of another protocol version than the connection's. */
    public static final class VersionMismatch extends ProtocolException {
        private static final long serialVersionUID = 1L;

        VersionMismatch(int version, int expected, String peer) {
            super("protocol version " + version + " from " + peer + " (the connection speaks " + expected + ")");
        }
    }

    /** A decoded header: the frame without its payload, and the payload's size. */
    record Header(int version, Type type, int flags, long seq, long offset, long length, int size, int error) {
        /** Offset of the payload size within a header. */
        static final int SIZE_AT = 32;
        /** What {@link #decode} expects of a peer's first frame, whose version is not agreed yet. */
        static final int ANY_VERSION = 0;

        /**
         * Decodes the {@value Frame#HEADER} bytes at {@code h}'s position, moving past them; a
         * frame of another protocol version than {@code expected} (unless {@link #ANY_VERSION})
         * is refused.
         */
        static Header decode(ByteBuffer h, String peer, int expected) throws ProtocolException {
            if (h.getInt() != MAGIC) {
                throw new ProtocolException("not a HAST frame (bad magic) from " + peer);
            }
            int version = Byte.toUnsignedInt(h.get());
            if (expected != ANY_VERSION && version != expected) {
                throw new VersionMismatch(version, expected, peer);
            }
            Type type = Type.of(Byte.toUnsignedInt(h.get()));
            int flags = Short.toUnsignedInt(h.getShort());
            long seq = h.getLong();
            long offset = h.getLong();
            long length = h.getLong();
            int size = h.getInt();
            int error = h.getInt();
            if (size < 0 || size > MAX_PAYLOAD) {
                throw new ProtocolException("payload of " + Integer.toUnsignedString(size) + " bytes from " + peer);
            }
            return new Header(version, type, flags, seq, offset, length, size, error);
        }

        Frame with(ByteBuffer payload) {
            return new Frame(type, flags, seq, offset, length, error, payload);
        }
    }
}
