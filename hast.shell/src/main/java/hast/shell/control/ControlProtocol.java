package hast.shell.control;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames of the control socket: one request and one reply per connection. Output the command
 * flushes while it runs (events, progress) travels ahead of the reply in chunks, as it comes.
 *
 * <pre>
 * request: "HCTL" u8 version  u32 argc  (u32 length, UTF-8 bytes) x argc
 * chunk:   "HCTO" (standard output) or "HCTE" (standard error)  u8 version  u32 length, bytes
 * reply:   "HCTR" u8 version  i32 exit status  u32 length, stdout bytes  u32 length, stderr bytes
 * </pre>
 * Integers are big-endian. A request is at most {@value #MAX_REQUEST} bytes in all, so a client
 * cannot make the daemon allocate more than that.
 */
public final class ControlProtocol {
    static final int VERSION = 1;
    public static final int MAX_REQUEST = 64 * 1024;
    /** A list of thousands of resources stays far below this; anything larger is not hastd talking. */
    static final int MAX_REPLY_BLOCK = 64 << 20;
    private static final int HEADER = 9;
    private static final byte[] REQUEST_MAGIC = {'H', 'C', 'T', 'L'};
    private static final byte[] REPLY_MAGIC = {'H', 'C', 'T', 'R'};
    private static final byte[] OUT_MAGIC = {'H', 'C', 'T', 'O'};
    private static final byte[] ERR_MAGIC = {'H', 'C', 'T', 'E'};

    /** Which of the command's outputs a chunk belongs to. */
    public enum Stream {
        OUT, ERR
    }

    /** Receives chunks of output as they arrive, before the reply. */
    @FunctionalInterface
    public interface ChunkSink {
        void chunk(Stream stream, byte[] bytes) throws IOException;
    }

    /** Bytes that break the protocol; the message says how. */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** What the daemon answers: the command's exit status and output. */
    public record Reply(int status, byte[] out, byte[] err) {
    }

    private ControlProtocol() {
    }

    /**
     * The request frame carrying {@code args}.
     *
     * @throws IllegalArgumentException when the frame would be larger than {@link #MAX_REQUEST}
     */
    public static ByteBuffer request(List<String> args) {
        List<byte[]> encoded = new ArrayList<>();
        long size = HEADER;
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            size += 4 + b.length;
        }
        if (size > MAX_REQUEST) {
            throw new IllegalArgumentException("Command line of " + size + " bytes is longer than the "
                    + MAX_REQUEST + " bytes the control socket accepts");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).put(REQUEST_MAGIC).put((byte) VERSION).putInt(args.size());
        for (byte[] b : encoded) {
            buf.putInt(b.length).put(b);
        }
        return buf.flip();
    }

    /**
     * Reads one request; lengths are checked against the size limit before anything is allocated.
     *
     * @throws EOFException        when the client closed without sending anything (a liveness probe)
     * @throws MalformedException  when the bytes are not a whole, well-formed request
     */
    public static List<String> readRequest(ReadableByteChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER).put(readExactly(ch, 1)).put(requestPart(ch, HEADER - 1)).flip();
        checkMagic(header, REQUEST_MAGIC, "request");
        long argc = Integer.toUnsignedLong(header.getInt());
        int budget = MAX_REQUEST - HEADER;
        if (argc > budget / 4) {
            throw new MalformedException("request announces " + argc + " arguments, more than "
                    + MAX_REQUEST + " bytes can hold");
        }
        List<String> args = new ArrayList<>((int) argc);
        for (int i = 0; i < argc; i++) {
            long length = Integer.toUnsignedLong(requestPart(ch, 4).getInt());
            budget -= 4;
            if (length > budget) {
                throw new MalformedException("request is longer than " + MAX_REQUEST + " bytes (argument "
                        + i + " alone announces " + length + ")");
            }
            budget -= (int) length;
            args.add(StandardCharsets.UTF_8.decode(requestPart(ch, (int) length)).toString());
        }
        return args;
    }

    public static void writeReply(WritableByteChannel ch, Reply reply) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 4 + reply.out().length + 4 + reply.err().length)
                .put(REPLY_MAGIC).put((byte) VERSION).putInt(reply.status())
                .putInt(reply.out().length).put(reply.out()).putInt(reply.err().length).put(reply.err());
        writeFully(ch, buf.flip());
    }

    /** Sends output the command flushed, ahead of its reply. */
    public static void writeChunk(WritableByteChannel ch, Stream stream, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + bytes.length).put(stream == Stream.OUT ? OUT_MAGIC : ERR_MAGIC)
                .put((byte) VERSION).putInt(bytes.length).put(bytes);
        writeFully(ch, buf.flip());
    }

    /** Reads the chunks and the reply, gathering every chunk into the reply's output. */
    public static Reply readReply(ReadableByteChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Reply last = readReply(ch, (stream, bytes) -> (stream == Stream.OUT ? out : err).write(bytes));
        out.write(last.out());
        err.write(last.err());
        return new Reply(last.status(), out.toByteArray(), err.toByteArray());
    }

    /** Reads the chunks, handing each to {@code sink} as it arrives, then the reply. */
    public static Reply readReply(ReadableByteChannel ch, ChunkSink sink) throws IOException {
        while (true) {
            ByteBuffer header = readExactly(ch, HEADER);
            byte[] magic = new byte[REPLY_MAGIC.length];
            header.get(magic);
            Stream stream = Arrays.equals(magic, OUT_MAGIC) ? Stream.OUT : Arrays.equals(magic, ERR_MAGIC) ? Stream.ERR : null;
            checkMagic(header.rewind(), stream == null ? REPLY_MAGIC : magic, "reply");
            if (stream == null) {
                int status = header.getInt();
                return new Reply(status, replyBlock(ch, "output"), replyBlock(ch, "error output"));
            }
            sink.chunk(stream, replyBlock(ch, stream == Stream.OUT ? "output" : "error output", header.getInt()));
        }
    }

    public static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static byte[] replyBlock(ReadableByteChannel ch, String what) throws IOException {
        return replyBlock(ch, what, readExactly(ch, 4).getInt());
    }

    private static byte[] replyBlock(ReadableByteChannel ch, String what, int announced) throws IOException {
        long length = Integer.toUnsignedLong(announced);
        if (length > MAX_REPLY_BLOCK) {
            throw new MalformedException("reply announces " + length + " bytes of " + what
                    + " (at most " + MAX_REPLY_BLOCK + " expected)");
        }
        return readExactly(ch, (int) length).array();
    }

    private static void checkMagic(ByteBuffer header, byte[] magic, String what) throws MalformedException {
        for (byte m : magic) {
            if (header.get() != m) {
                throw new MalformedException("not a hastctl " + what + " (bad magic)");
            }
        }
        int version = Byte.toUnsignedInt(header.get());
        if (version != VERSION) {
            throw new MalformedException("control protocol version " + version + " is not supported (expected "
                    + VERSION + ")");
        }
    }

    private static ByteBuffer requestPart(ReadableByteChannel ch, int n) throws IOException {
        try {
            return readExactly(ch, n);
        } catch (EOFException e) {
            throw new MalformedException("truncated request: " + e.getMessage());
        }
    }

    /**
     * Reads {@code n} bytes into a buffer that grows as they arrive, so that an announced length
     * costs memory only as its bytes come: a forged one, one {@link #MAX_REQUEST} at most.
     */
    private static ByteBuffer readExactly(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, MAX_REQUEST));
        while (true) {
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new EOFException("connection closed after " + buf.position() + " of " + n + " bytes");
                }
            }
            if (buf.capacity() == n) {
                return buf.flip();
            }
            buf = ByteBuffer.allocate((int) Math.min(n, 2L * buf.capacity())).put(buf.flip());
        }
    }
}
