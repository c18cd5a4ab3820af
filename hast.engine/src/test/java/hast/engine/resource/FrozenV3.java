package hast.engine.resource;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.engine.transport.TcpTransport;

/**
 * The replication wire of protocol version 3 as hastd spoke it before versions were negotiated,
 * frozen here on purpose: its own encoder and decoder, written from the version 3 format and
 * sharing nothing with the engine's, so that a change of the engine's wire that an older node
 * would not read fails the compatibility tests instead of changing both sides at once. Like the
 * old node, it refuses every frame that is not of version 3 and ignores the header fields a frame
 * type does not use. No shared-secret (the exchange still takes place, with empty proofs), no
 * codecs (it announces "none" for both), no feature byte after the codec lists.
 */
final class FrozenV3 {
    static final int VERSION = 3;
    private static final int MAGIC = 0x48415354;
    private static final int HEADER = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    // Frame type codes of version 3.
    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int REFUSE = 3;
    static final int WRITE = 4;
    static final int DELETE = 5;
    static final int FLUSH = 6;
    static final int READ = 7;
    static final int KEEPALIVE = 8;
    static final int REPLY = 9;
    static final int CODECS = 11;
    static final int CHALLENGE = 13;
    static final int RESPONSE = 14;
    static final int PROOF = 15;
    /** WRITE flag of version 3: the payload is an encoding block, which this node never asked for. */
    static final int FLAG_ENCODED = 4;
    /** WELCOME's synchronisation decision of version 3: copy everything from the primary. */
    static final int FULL_FROM_PRIMARY = 0;

    private FrozenV3() {
    }

    /** One version 3 frame. */
    record Frame(int type, int flags, long seq, long offset, long length, int error, byte[] payload) {
        static Frame of(int type, long seq, long offset, long length, byte[] payload) {
            return new Frame(type, 0, seq, offset, length, 0, payload);
        }

        void write(Connection c) throws IOException {
            byte[] p = payload == null ? new byte[0] : payload;
            ByteBuffer b = ByteBuffer.allocate(HEADER + p.length).putInt(MAGIC).put((byte) VERSION).put((byte) type)
                    .putShort((short) flags).putLong(seq).putLong(offset).putLong(length).putInt(p.length)
                    .putInt(error).put(p);
            c.writeFully(b.flip());
        }

        static Frame read(Connection c) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            c.readFully(h);
            h.flip();
            if (h.getInt() != MAGIC) {
                throw new ProtocolException("not a HAST frame (bad magic) from " + c.peer());
            }
            int version = Byte.toUnsignedInt(h.get());
            if (version != VERSION) {
                throw new ProtocolException("protocol version " + version + " from " + c.peer() + " (we speak "
                        + VERSION + ")");
            }
            int type = Byte.toUnsignedInt(h.get());
            int flags = Short.toUnsignedInt(h.getShort());
            long seq = h.getLong();
            long offset = h.getLong();
            long length = h.getLong();
            int size = h.getInt();
            int error = h.getInt();
            ByteBuffer p = ByteBuffer.allocate(size);
            c.readFully(p);
            return new Frame(type, flags, seq, offset, length, error, size == 0 ? null : p.array());
        }

        String text() {
            return payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[32];
        RANDOM.nextBytes(n);
        return n;
    }

    /** Version 3's codec lists: "none" for compression, "none" for checksum. */
    private static void plainCodecs(ByteBuffer b) {
        for (int list = 0; list < 2; list++) {
            b.putShort((short) 1).put((byte) 4).put("none".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void skipCodecs(ByteBuffer b) {
        for (int list = 0; list < 2; list++) {
            int n = Short.toUnsignedInt(b.getShort());
            for (int i = 0; i < n; i++) {
                skip(b, Byte.toUnsignedInt(b.get()));
            }
        }
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }

    /** A version 3 primary on a raw connection: handshake, then requests one at a time. */
    static final class Primary implements AutoCloseable {
        private final Connection c;
        private long seq;

        /**
         * Connects to a secondary's listener on {@code port}, authenticates (no secret) and says
         * HELLO for {@code resource} as a fresh primary with a new resuid; the secondary's
         * REFUSE, if it refuses, is thrown with its text.
         */
        Primary(int port, String resource, long datasize, int extentsize) throws IOException {
            c = new TcpTransport().connect(HastAddress.parse("tcp4://127.0.0.1:" + port), null, Duration.ofSeconds(5));
            c.setReadTimeout(EnginePair.DEADLINE);
            byte[] name = resource.getBytes(StandardCharsets.UTF_8);
            byte[] alg = "hmac-sha256".getBytes(StandardCharsets.US_ASCII);
            byte[] nonce = nonce();
            ByteBuffer challenge = ByteBuffer.allocate(2 + name.length + 2 + alg.length + 1 + nonce.length)
                    .putShort((short) name.length).put(name).put((byte) 0).put((byte) alg.length).put(alg)
                    .put((byte) nonce.length).put(nonce);
            Frame.of(CHALLENGE, 0, 0, 0, challenge.array()).write(c);
            Frame response = expect(RESPONSE);
            if (response.payload()[0] != 0) {
                throw new ProtocolException("the secondary proves a secret");
            }
            Frame.of(PROOF, 0, 0, 0, null).write(c);
            ByteBuffer hello = ByteBuffer.allocate(2 + name.length + 8 * 4 + 4 + 4 + 2 * 7)
                    .putShort((short) name.length).put(name).putLong(RANDOM.nextLong() | 1).putLong(1).putLong(0)
                    .putLong(datasize).putInt(extentsize).putInt(1 << 20);
            plainCodecs(hello);
            Frame.of(HELLO, 0, 0, 0, hello.array()).write(c);
            expect(WELCOME);
        }

        private Frame expect(int type) throws IOException {
            Frame f = Frame.read(c);
            if (f.type() == REFUSE) {
                throw new Refused(f.text());
            }
            if (f.type() != type) {
                throw new ProtocolException("expected frame type " + type + ", got " + f.type());
            }
            return f;
        }

        /** Writes {@code data} at {@code offset} and waits for its reply; the error it carries. */
        int write(long offset, byte[] data) throws IOException {
            Frame.of(WRITE, ++seq, offset, data.length, data).write(c);
            return reply().error();
        }

        int flush() throws IOException {
            Frame.of(FLUSH, ++seq, 0, 0, null).write(c);
            return reply().error();
        }

        /** The reply to the last request, past the keepalive answers and codec lists. */
        private Frame reply() throws IOException {
            while (true) {
                Frame f = Frame.read(c);
                if (f.type() == REPLY && f.seq() == seq) {
                    return f;
                }
                if (f.type() != CODECS && !(f.type() == REPLY && f.seq() == 0)) {
                    throw new ProtocolException("unexpected frame type " + f.type() + " seq " + f.seq());
                }
            }
        }

        @Override
        public void close() throws IOException {
            c.close();
        }
    }

    /** The secondary refused, with this text. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * A version 3 secondary holding its copy in memory: it welcomes any primary (asking for a
     * full copy), carries out writes, trims, flushes and reads, and answers keepalives; a primary
     * whose frames are not of version 3 is refused as the old node refused it.
     */
    static final class Secondary implements AutoCloseable {
        final byte[] disk;
        /** What this node would have logged: refusals and dropped connections. */
        final List<String> log = new CopyOnWriteArrayList<>();
        private final Listener listener;
        private final int extentsize;
        private volatile int primaries;

        Secondary(int port, long datasize, int extentsize) throws IOException {
            this.disk = new byte[Math.toIntExact(datasize)];
            this.extentsize = extentsize;
            listener = new TcpTransport().listen(HastAddress.parse("tcp4://127.0.0.1:" + port));
            Thread acceptor = new Thread(this::accept, "frozen-v3-secondary " + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Primaries welcomed so far. */
        int primaries() {
            return primaries;
        }

        private void accept() {
            while (true) {
                Connection c;
                try {
                    c = listener.accept();
                } catch (IOException e) {
                    return;
                }
                Thread t = new Thread(() -> serve(c), "frozen-v3-secondary " + c.peer());
                t.setDaemon(true);
                t.start();
            }
        }

        private void serve(Connection c) {
            try (c) {
                Frame challenge;
                try {
                    challenge = Frame.read(c);
                } catch (ProtocolException e) {
                    log.add("Dropped connection from " + c.peer() + ": " + e.getMessage());
                    new Frame(REFUSE, 0, 0, 0, 0, 0, ("This node speaks protocol version 3 (" + e.getMessage()
                            + "); run the same version of hastd on both nodes.").getBytes(StandardCharsets.UTF_8))
                            .write(c);
                    return;
                }
                if (challenge.type() != CHALLENGE) {
                    throw new ProtocolException("expected CHALLENGE");
                }
                checkChallenge(challenge.payload());
                byte[] nonce = nonce();
                ByteBuffer response = ByteBuffer.allocate(3 + nonce.length).put((byte) 0).put((byte) nonce.length)
                        .put(nonce).put((byte) 0);
                Frame.of(RESPONSE, 0, 0, 0, response.array()).write(c);
                if (Frame.read(c).type() != PROOF) {
                    throw new ProtocolException("expected PROOF");
                }
                Frame hello = Frame.read(c);
                if (hello.type() != HELLO) {
                    throw new ProtocolException("expected HELLO");
                }
                welcome(c, ByteBuffer.wrap(hello.payload()));
                primaries++;
                while (true) {
                    Frame f = Frame.read(c);
                    Frame answer = answer(f);
                    if (answer != null) {
                        answer.write(c);
                    }
                }
            } catch (IOException e) {
                log.add("Primary " + c.peer() + " disconnected (" + e.getMessage() + ")");
            }
        }

        /** A CHALLENGE as version 3 decoded it: nothing may follow the nonce. */
        private static void checkChallenge(byte[] payload) throws ProtocolException {
            ByteBuffer b = ByteBuffer.wrap(payload);
            skip(b, Short.toUnsignedInt(b.getShort()));
            if (b.get() != 0) {
                throw new ProtocolException("the primary has a secret");
            }
            skip(b, Byte.toUnsignedInt(b.get()));
            int nonce = Byte.toUnsignedInt(b.get());
            skip(b, nonce);
            if (nonce != 32 || b.hasRemaining()) {
                throw new ProtocolException("malformed CHALLENGE");
            }
        }

        private void welcome(Connection c, ByteBuffer hello) throws IOException {
            skip(hello, Short.toUnsignedInt(hello.getShort()));
            long resuid = hello.getLong();
            long localcnt = hello.getLong();
            long remotecnt = hello.getLong();
            long datasize = hello.getLong();
            int extent = hello.getInt();
            hello.getInt();
            skipCodecs(hello);
            if (datasize != disk.length || extent != extentsize) {
                throw new ProtocolException("data size differs");
            }
            ByteBuffer w = ByteBuffer.allocate(2 + 8 * 4 + 4 + 4 + 2 * 7).put((byte) FULL_FROM_PRIMARY).put((byte) 1)
                    .putLong(resuid).putLong(remotecnt).putLong(localcnt).putLong(datasize).putInt(extent).putInt(0);
            plainCodecs(w);
            Frame.of(WELCOME, 0, 0, 0, w.array()).write(c);
        }

        private Frame answer(Frame f) throws ProtocolException {
            switch (f.type()) {
                case KEEPALIVE:
                    return new Frame(REPLY, 0, 0, 0, 0, 0, null);
                case CODECS:
                    return null;
                case WRITE:
                    if ((f.flags() & FLAG_ENCODED) != 0) {
                        throw new ProtocolException("an encoded payload, which this node never announced it decodes");
                    }
                    System.arraycopy(f.payload(), 0, disk, Math.toIntExact(f.offset()), f.payload().length);
                    return new Frame(REPLY, 0, f.seq(), 0, 0, 0, null);
                case DELETE:
                    java.util.Arrays.fill(disk, Math.toIntExact(f.offset()), Math.toIntExact(f.offset() + f.length()),
                            (byte) 0);
                    return new Frame(REPLY, 0, f.seq(), 0, 0, 0, null);
                case FLUSH:
                    return new Frame(REPLY, 0, f.seq(), 0, 0, 0, null);
                case READ:
                    byte[] data = java.util.Arrays.copyOfRange(disk, Math.toIntExact(f.offset()),
                            Math.toIntExact(f.offset() + f.length()));
                    return new Frame(REPLY, 0, f.seq(), 0, 0, 0, data);
                default:
                    throw new ProtocolException("unexpected frame type " + f.type());
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
