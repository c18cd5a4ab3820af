package hast.shell.control;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames of the control socket, one request and one reply per connection.
 *
 * <pre>
 * request: "HCTL" u8 version  u32 argc  (u32 length, UTF-8 bytes) x argc
 * reply:   "HCTR" u8 version  i32 exit status  u32 length, stdout bytes  u32 length, stderr bytes
 * </pre>
 * Integers are big-endian. A request is at most {@value #MAX_REQUEST} bytes.
 */
public final class ControlProtocol {
    static final int VERSION = 1;
    public static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_REPLY = 64 << 20;
    private static final byte[] REQUEST_MAGIC = {'H', 'C', 'T', 'L'};
    private static final byte[] REPLY_MAGIC = {'H', 'C', 'T', 'R'};

    /** A request that breaks the protocol; its message says how. */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** What the daemon answers: the command's output and exit status. */
    public record Reply(int status, byte[] out, byte[] err) {
    }

    private ControlProtocol() {
    }

    public static void writeRequest(WritableByteChannel ch, List<String> args) throws IOException {
        List<byte[]> encoded = new ArrayList<>();
        int size = 9;
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            size += 4 + b.length;
        }
        if (size > MAX_REQUEST) {
            throw new MalformedException("command line of " + size + " bytes is longer than " + MAX_REQUEST);
        }
        ByteBuffer buf = ByteBuffer.allocate(size).put(REQUEST_MAGIC).put((byte) VERSION).putInt(args.size());
        for (byte[] b : encoded) {
            buf.putInt(b.length).put(b);
        }
        writeFully(ch, buf.flip());
    }

    public static List<String> readRequest(ReadableByteChannel ch) throws IOException {
        ByteBuffer header = readExactly(ch, 9);
        checkMagic(header, REQUEST_MAGIC, "request");
        int argc = header.getInt();
        if (argc < 0 || argc > MAX_REQUEST / 4) {
            throw new MalformedException("request announces " + Integer.toUnsignedString(argc) + " arguments");
        }
        int budget = MAX_REQUEST - 9;
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            int length = readExactly(ch, 4).getInt();
            budget -= 4;
            if (length < 0 || length > budget) {
                throw new MalformedException("request is longer than " + MAX_REQUEST + " bytes");
            }
            budget -= length;
            args.add(StandardCharsets.UTF_8.decode(readExactly(ch, length)).toString());
        }
        return args;
    }

    public static void writeReply(WritableByteChannel ch, Reply reply) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 + 1 + 4 + 4 + reply.out().length + 4 + reply.err().length)
                .put(REPLY_MAGIC).put((byte) VERSION).putInt(reply.status())
                .putInt(reply.out().length).put(reply.out()).putInt(reply.err().length).put(reply.err());
        writeFully(ch, buf.flip());
    }

    public static Reply readReply(ReadableByteChannel ch) throws IOException {
        ByteBuffer header = readExactly(ch, 9);
        checkMagic(header, REPLY_MAGIC, "reply");
        int status = header.getInt();
        return new Reply(status, block(ch), block(ch));
    }

    private static byte[] block(ReadableByteChannel ch) throws IOException {
        int length = readExactly(ch, 4).getInt();
        if (length < 0 || length > MAX_REPLY) {
            throw new MalformedException("reply block of " + Integer.toUnsignedString(length) + " bytes");
        }
        return readExactly(ch, length).array();
    }

    private static void checkMagic(ByteBuffer header, byte[] magic, String what) throws MalformedException {
        for (byte m : magic) {
            if (header.get() != m) {
                throw new MalformedException("not a hastctl " + what + " (bad magic)");
            }
        }
        int version = Byte.toUnsignedInt(header.get());
        if (version != VERSION) {
            throw new MalformedException("unsupported control protocol version " + version + " (expected " + VERSION + ")");
        }
    }

    private static ByteBuffer readExactly(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException("connection closed after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.flip();
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
