package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;

import org.junit.jupiter.api.Test;

class FrameTest {
    /** The codes on the wire are a format: changing one breaks every peer of an older version. */
    @Test
    void frameTypesAndDecisionsKeepTheirWireCodes() throws Exception {
        String[] types = {"HELLO", "WELCOME", "REFUSE", "WRITE", "DELETE", "FLUSH", "READ", "KEEPALIVE", "REPLY",
            "RECEIVED", "CODECS", "DIGEST", "CHALLENGE", "RESPONSE", "PROOF", "SYNC"};
        for (int i = 0; i < types.length; i++) {
            assertEquals(Frame.Type.valueOf(types[i]), Frame.Type.of(i + 1));
            assertEquals(i + 1, Frame.Type.valueOf(types[i]).code());
        }
        assertThrows(ProtocolException.class, () -> Frame.Type.of(0));
        assertThrows(ProtocolException.class, () -> Frame.Type.of(types.length + 1));
        String[] decisions = {"FULL_FROM_PRIMARY", "DIRTY_FROM_PRIMARY", "DIRTY_FROM_SECONDARY", "FULL_FROM_SECONDARY",
            "SPLIT_BRAIN", "UID_MISMATCH"};
        for (int i = 0; i < decisions.length; i++) {
            assertEquals(SyncDecision.valueOf(decisions[i]), SyncDecision.of(i));
        }
        assertEquals(null, SyncDecision.of(decisions.length));
        assertEquals(3, ProtocolRange.SPOKEN.max(), "the version of the protocol that authenticates before the HELLO");
        assertEquals(1, Frame.REFUSED_SPLIT_BRAIN);
        assertEquals(2, Frame.REFUSED_AUTHENTICATION);
    }


    /** A connection over bytes in memory. */
    private static final class Bytes implements Connection {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        ByteBuffer toRead = ByteBuffer.allocate(0);

        @Override
        public String peer() {
            return "test";
        }

        @Override
        public InetAddress peerAddress() {
            return null;
        }

        @Override
        public void setReadTimeout(Duration timeout) {
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!toRead.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), toRead.remaining());
            dst.put(toRead.slice().limit(n));
            toRead.position(toRead.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            written.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void roundTrip() throws IOException {
        Bytes c = new Bytes();
        Frame.request(Frame.Type.WRITE, Frame.FLAG_RECEIPT, 42, 4096, 3, ByteBuffer.wrap(new byte[] {1, 2, 3})).write(c, ProtocolRange.SPOKEN.max());
        c.toRead = ByteBuffer.wrap(c.written.toByteArray());
        Frame f = Frame.read(c, ProtocolRange.SPOKEN.max());
        assertEquals(Frame.Type.WRITE, f.type());
        assertEquals(Frame.FLAG_RECEIPT, f.flags());
        assertEquals(42, f.seq());
        assertEquals(4096, f.offset());
        assertEquals(3, f.length());
        byte[] data = new byte[3];
        f.payload().get(data);
        assertArrayEquals(new byte[] {1, 2, 3}, data);
    }

    @Test
    void garbageTruncatedAndForeignFramesAreRefused() throws IOException {
        assertRefused(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n".getBytes()), ProtocolException.class, "bad magic");
        assertRefused(header(ProtocolRange.SPOKEN.max() + 1, 4, 0), ProtocolException.class, "protocol version " + (ProtocolRange.SPOKEN.max() + 1));
        assertRefused(header(ProtocolRange.SPOKEN.max(), 99, 0), ProtocolException.class, "unknown frame type 99");
        assertRefused(header(ProtocolRange.SPOKEN.max(), 4, -1), ProtocolException.class, "payload of 4294967295 bytes");
        ByteBuffer truncated = header(ProtocolRange.SPOKEN.max(), 4, 100);
        assertRefused(truncated, EOFException.class, "");
        assertRefused(ByteBuffer.wrap(new byte[] {0x48, 0x41}), EOFException.class, "");
    }

    private static ByteBuffer header(int version, int type, int payload) {
        return ByteBuffer.allocate(Frame.HEADER).putInt(Frame.MAGIC).put((byte) version).put((byte) type).putShort((short) 0)
                .putLong(1).putLong(0).putLong(0).putInt(payload).putInt(0).flip();
    }

    private static void assertRefused(ByteBuffer bytes, Class<? extends IOException> type, String text) {
        Bytes c = new Bytes();
        c.toRead = bytes;
        IOException e = assertThrows(type, () -> Frame.read(c, ProtocolRange.SPOKEN.max()));
        assertTrue(e.getMessage() == null || e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void greetingsRoundTripAndRefuseGarbage() throws IOException {
        CodecSet codecs = new CodecSet(Set.of("none", "hole", "lzf"), Set.of("none", "sha256"));
        Greeting.Hello h = new Greeting.Hello("r0", -5, 3, 2, 1 << 30, 1 << 21, 1 << 20, codecs, false);
        assertEquals(h, Greeting.Hello.decode(h.encode()));
        Greeting.Welcome w = new Greeting.Welcome(SyncDecision.DIRTY_FROM_PRIMARY, false, 9, 1, 2, 1 << 30, 1 << 21,
                new byte[] {1, 0, 2}, CodecSet.PLAIN, false);
        Greeting.Welcome back = Greeting.Welcome.decode(w.encode());
        assertEquals(w.decision(), back.decision());
        assertArrayEquals(w.bitmap(), back.bitmap());
        assertEquals(CodecSet.PLAIN, back.codecs());
        assertThrows(ProtocolException.class, () -> Greeting.Hello.decode(ByteBuffer.wrap(new byte[] {0, 50, 1})));
        assertThrows(ProtocolException.class, () -> Greeting.Welcome.decode(ByteBuffer.wrap(new byte[] {99})));
    }

    @Test
    void theSyncReportsOfferIsOneByteAfterTheCodecListThatAnOlderPeerNeitherSendsNorReads() throws IOException {
        CodecSet codecs = new CodecSet(Set.of("none", "lzf"), Set.of("none"));
        Greeting.Hello offers = new Greeting.Hello("r0", 7, 3, 2, 1 << 30, 1 << 21, 1 << 20, codecs, true);
        Greeting.Hello older = new Greeting.Hello("r0", 7, 3, 2, 1 << 30, 1 << 21, 1 << 20, codecs, false);
        assertEquals(offers, Greeting.Hello.decode(offers.encode()));
        assertEquals(older.encode().remaining() + 1, offers.encode().remaining(), "one byte more");
        assertEquals(older, Greeting.Hello.decode(older.encode()), "an older HELLO offers no reports");
        // An older reader stops after the codec list: what it reads of a new HELLO is what it sent.
        ByteBuffer b = offers.encode();
        b.position(b.limit() - 1 - codecs.encode().remaining());
        assertEquals(codecs, CodecSet.decode(b));
        Greeting.Welcome wants = new Greeting.Welcome(SyncDecision.FULL_FROM_PRIMARY, true, 9, 0, 0, 1 << 30, 1 << 21,
                new byte[0], codecs, true);
        assertTrue(Greeting.Welcome.decode(wants.encode()).syncReports());
        assertFalse(Greeting.Welcome.decode(new Greeting.Welcome(SyncDecision.FULL_FROM_PRIMARY, true, 9, 0, 0,
                1 << 30, 1 << 21, new byte[0], codecs, false).encode()).syncReports());
    }

    @Test
    void aBufferedReaderTellsWhetherTheNextFrameWouldWait() throws IOException {
        Bytes c = new Bytes();
        FrameWriter w = new FrameWriter(c, ProtocolRange.SPOKEN.max());
        w.append(Frame.reply(Frame.Type.REPLY, 1, 0, null));
        w.append(Frame.reply(Frame.Type.REPLY, 2, 5, ByteBuffer.wrap(new byte[] {4, 5})));
        w.flush();
        byte[] all = c.written.toByteArray();
        // Everything but the last byte has arrived.
        c.toRead = ByteBuffer.wrap(all, 0, all.length - 1);
        FrameReader r = new FrameReader(c, ProtocolRange.SPOKEN.max());
        Frame first = r.next();
        assertEquals(1, first.seq());
        assertFalse(r.frameBuffered(), "the second frame lacks a byte");
        c.toRead = ByteBuffer.wrap(all, all.length - 1, 1);
        Frame second = r.next();
        assertEquals(2, second.seq());
        assertEquals(5, second.error());
        assertEquals(ByteBuffer.wrap(new byte[] {4, 5}), second.payload());
        assertThrows(EOFException.class, r::next);
    }

    @Test
    void aReaderTakingOverAnotherOnesBuffersReadsOnlyItsOwnConnection() throws IOException {
        Bytes first = new Bytes();
        FrameWriter w = new FrameWriter(first, ProtocolRange.SPOKEN.max());
        w.append(Frame.reply(Frame.Type.REPLY, 1, 0, null));
        w.append(Frame.reply(Frame.Type.REPLY, 2, 0, null));
        w.flush();
        first.toRead = ByteBuffer.wrap(first.written.toByteArray());
        ByteBuffer large = ByteBuffer.allocateDirect(Frame.MAX_REQUEST_PAYLOAD);
        FrameReader done = new FrameReader(first, () -> large, ProtocolRange.SPOKEN.max());
        assertEquals(1, done.next().seq());
        assertTrue(done.frameBuffered(), "the second frame waits in the buffer");
        Bytes second = new Bytes();
        new FrameWriter(second, ProtocolRange.SPOKEN.max()).send(Frame.reply(Frame.Type.REPLY, 3, 0, null));
        second.toRead = ByteBuffer.wrap(second.written.toByteArray());
        FrameReader next = new FrameReader(second, done);
        assertFalse(next.frameBuffered(), "nothing of the first connection is left");
        assertEquals(3, next.next().seq());
        assertThrows(EOFException.class, next::next);
    }

    @Test
    void aBufferedReaderRefusesWhatTheUnbufferedOneRefuses() {
        Bytes c = new Bytes();
        c.toRead = header(ProtocolRange.SPOKEN.max(), 4, 100);
        assertThrows(EOFException.class, () -> new FrameReader(c, ProtocolRange.SPOKEN.max()).next(), "payload missing");
        c.toRead = ByteBuffer.wrap(new byte[] {0x48, 0x41});
        assertThrows(ProtocolException.class, () -> new FrameReader(c, ProtocolRange.SPOKEN.max()).next(), "header cut short");
        c.toRead = header(ProtocolRange.SPOKEN.max() + 1, 4, 0);
        assertThrows(ProtocolException.class, () -> new FrameReader(c, ProtocolRange.SPOKEN.max()).next(), "wrong version");
    }

    @Test
    void concurrentSendersShareWritesAndEveryFrameArrivesWhole() throws Exception {
        Bytes c = new Bytes();
        FrameWriter w = new FrameWriter(c, ProtocolRange.SPOKEN.max());
        int senders = 8;
        int frames = 200;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            int sender = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < frames; i++) {
                    // Sizes from empty to larger than the writer's own buffer.
                    int size = (i * 7919 + sender * 104_729) % (300 * 1024);
                    byte[] data = new byte[size];
                    Arrays.fill(data, (byte) (sender * 31 + i));
                    w.send(Frame.request(Frame.Type.WRITE, 0, sender * 1_000_000L + i, i, size,
                            size == 0 ? null : ByteBuffer.wrap(data)));
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        c.toRead = ByteBuffer.wrap(c.written.toByteArray());
        FrameReader r = new FrameReader(c, ProtocolRange.SPOKEN.max());
        long[] next = new long[senders];
        for (int n = 0; n < senders * frames; n++) {
            Frame f = r.next();
            int sender = (int) (f.seq() / 1_000_000);
            int i = (int) (f.seq() % 1_000_000);
            assertEquals(next[sender]++, i, "each sender's frames in its own order");
            assertEquals(f.length(), f.payloadSize());
            for (int k = 0; k < f.payloadSize(); k++) {
                if (f.payload().get(k) != (byte) (sender * 31 + i)) {
                    throw new AssertionError("frame " + f.seq() + " corrupted at byte " + k);
                }
            }
        }
        assertThrows(EOFException.class, r::next, "nothing more than was sent");
    }
}
