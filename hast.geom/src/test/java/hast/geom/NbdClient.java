package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Just enough of an NBD client to drive the server byte by byte, including the wrong bytes. */
final class NbdClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    record OptionReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    record Reply(int error, long handle) {
    }

    /** A structured reply chunk. */
    record Chunk(int flags, int type, long handle, ByteBuffer payload) {
    }

    private final AutoCloseable socket;
    final DataInputStream in;
    final DataOutputStream out;
    /** The handshake flags of the server's greeting. */
    final int serverFlags;

    /** Connects over TCP to 127.0.0.1 and reads the greeting. */
    NbdClient(int port) throws IOException {
        this(connect(port));
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        return s;
    }

    /** Takes over a socket the test connected (from a source address of its choice) and reads the greeting. */
    NbdClient(Socket s) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS);
        socket = s;
        in = new DataInputStream(s.getInputStream());
        out = new DataOutputStream(s.getOutputStream());
        serverFlags = greeting();
    }

    /** Connects to a Unix-domain socket and reads the greeting (no read timeout: tests bound themselves). */
    NbdClient(Path socketFile) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socketFile));
        socket = channel;
        InputStream rawIn = Channels.newInputStream(channel);
        OutputStream rawOut = Channels.newOutputStream(channel);
        in = new DataInputStream(rawIn);
        out = new DataOutputStream(rawOut);
        serverFlags = greeting();
    }

    private int greeting() throws IOException {
        assertEquals(Nbd.NBDMAGIC, in.readLong());
        assertEquals(Nbd.IHAVEOPT, in.readLong());
        return in.readUnsignedShort();
    }

    /** Sends the usual client flags: fixed newstyle, no zeroes. */
    NbdClient flags() throws IOException {
        return flags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
    }

    NbdClient flags(int clientFlags) throws IOException {
        out.writeInt(clientFlags);
        out.flush();
        return this;
    }

    /** Negotiates {@code name} with GO and enters transmission. */
    NbdClient go(String name) throws IOException {
        flags();
        option(Nbd.OPT_GO, infoRequest(name));
        List<OptionReply> replies = optionReplies();
        assertEquals(Nbd.REP_ACK, replies.get(replies.size() - 1).type(), "GO " + name + " acknowledged");
        return this;
    }

    byte[] infoRequest(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
                .putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** The payload of LIST_META_CONTEXT and SET_META_CONTEXT. */
    static byte[] metaContexts(String export, String... queries) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        try {
            byte[] n = export.getBytes(StandardCharsets.UTF_8);
            d.writeInt(n.length);
            d.write(n);
            d.writeInt(queries.length);
            for (String q : queries) {
                byte[] bytes = q.getBytes(StandardCharsets.UTF_8);
                d.writeInt(bytes.length);
                d.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(Nbd.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    OptionReply optionReply() throws IOException {
        assertEquals(Nbd.OPTION_REPLY_MAGIC, in.readLong());
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    /** Replies up to and including the final one (an ACK or an error). */
    List<OptionReply> optionReplies() throws IOException {
        List<OptionReply> replies = new ArrayList<>();
        OptionReply r;
        do {
            r = optionReply();
            replies.add(r);
        } while (r.type() != Nbd.REP_ACK && r.type() >= 0);
        return replies;
    }

    void request(int type, int flags, long handle, long offset, long length) throws IOException {
        out.writeInt(Nbd.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt((int) length);
        out.flush();
    }

    /** A request as its bytes on the wire, {@code payload} after the header (may be empty), to send together with others. */
    static byte[] requestBytes(int type, long handle, long offset, int length, byte[] payload) {
        return ByteBuffer.allocate(Nbd.REQUEST_HEADER + payload.length).putInt(Nbd.REQUEST_MAGIC).putShort((short) 0)
                .putShort((short) type).putLong(handle).putLong(offset).putInt(length).put(payload).array();
    }

    /** Sends {@code bytes} in one write: requests that reach the server as one burst. */
    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void write(int flags, long handle, long offset, byte[] payload) throws IOException {
        out.writeInt(Nbd.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(Nbd.CMD_WRITE);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    Reply reply() throws IOException {
        assertEquals(Nbd.SIMPLE_REPLY_MAGIC, in.readInt(), "reply magic");
        int error = in.readInt();
        return new Reply(error, in.readLong());
    }

    Chunk chunk() throws IOException {
        assertEquals(Nbd.STRUCTURED_REPLY_MAGIC, in.readInt(), "structured reply magic");
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long handle = in.readLong();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new Chunk(flags, type, handle, ByteBuffer.wrap(payload));
    }

    /** The error of the next reply, which must be for {@code handle}. */
    int errorFor(long handle) throws IOException {
        Reply r = reply();
        assertEquals(handle, r.handle(), "reply handle");
        return r.error();
    }

    byte[] data(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Reads {@code length} bytes at {@code offset}, asserting success. */
    byte[] read(long handle, long offset, int length) throws IOException {
        request(Nbd.CMD_READ, 0, handle, offset, length);
        assertEquals(0, errorFor(handle), "read at " + offset);
        return data(length);
    }

    /** Whether the server closed the connection (rather than sending more or going quiet). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            fail("the server neither closed the connection nor sent anything");
            return false;
        } catch (SocketException | EOFException reset) {
            return true;
        }
    }

    void assertClosedByServer() throws IOException {
        assertTrue(closedByServer(), "the server sent more data instead of closing");
    }

    /** The local TCP port, which the server's thread names show as the peer's. */
    int localPort() {
        return ((Socket) socket).getLocalPort();
    }

    /** Sends end-of-stream, keeping the connection open for reading. */
    void endOutput() throws IOException {
        out.flush();
        if (socket instanceof Socket s) {
            s.shutdownOutput();
        } else {
            ((SocketChannel) socket).shutdownOutput();
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
