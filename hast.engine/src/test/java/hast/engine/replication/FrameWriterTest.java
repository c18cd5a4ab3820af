package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.ForwardingConnection;
import hast.api.transport.Listener;
import hast.engine.transport.TcpTransport;

import org.junit.jupiter.api.Test;

/** The writer over a real TCP connection, whose writes the kernel takes in parts. */
class FrameWriterTest {
    private static final TcpTransport TCP = new TcpTransport();
    /** A payload size the writer copies into its buffer. */
    private static final int STAGED = 16 * 1024;

    @Test
    void framesOfEverySizeFromConcurrentSendersArriveWholeAndInEachSendersOrder() throws Exception {
        int senders = 8;
        int frames = 60;
        try (Listener listener = TCP.listen(HastAddress.parse("127.0.0.1:0"));
                Connection primary = TCP.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection secondary = listener.accept()) {
            FrameWriter w = new FrameWriter(primary, ProtocolRange.SPOKEN.max());
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try {
                    // One large buffer, reused: each frame is checked before the next is read.
                    ByteBuffer large = ByteBuffer.allocateDirect(Frame.MAX_REQUEST_PAYLOAD);
                    FrameReader r = new FrameReader(secondary, () -> large, ProtocolRange.SPOKEN.max());
                    int[] next = new int[senders];
                    for (int n = 0; n < senders * frames; n++) {
                        Frame f = r.next();
                        int sender = (int) (f.seq() / 1_000_000);
                        int i = (int) (f.seq() % 1_000_000);
                        assertEquals(next[sender]++, i, "each sender's frames in its own order");
                        assertEquals(f.length(), f.payloadSize());
                        for (int k = 0; k < f.payloadSize(); k++) {
                            if (f.payload().get(f.payload().position() + k) != fill(sender, i)) {
                                throw new AssertionError("frame " + f.seq() + " corrupted at byte " + k);
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < frames; i++) {
                        // Empty, small, middling, and up to the largest request (more than the writer's buffer).
                        int size = switch (i % 4) {
                            case 0 -> 0;
                            case 1 -> 1 + (i * 131) % STAGED;
                            case 2 -> STAGED + 1 + i;
                            default -> Frame.MAX_REQUEST_PAYLOAD - i * 4096;
                        };
                        ByteBuffer data = sender % 2 == 0 ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
                        while (data.hasRemaining()) {
                            data.put(fill(sender, i));
                        }
                        data.flip();
                        w.send(Frame.request(Frame.Type.WRITE, 0, sender * 1_000_000L + i, i, size,
                                size == 0 ? null : data));
                        // Consumed once send returns: the caller may reuse the buffer at once.
                        while (data.hasRemaining()) {
                            data.put((byte) ~fill(sender, i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            reading.get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAppendedLargePayloadIsConsumedWhenAppendReturns() throws Exception {
        try (Listener listener = TCP.listen(HastAddress.parse("127.0.0.1:0"));
                Connection secondary = TCP.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection primary = listener.accept()) {
            FrameWriter w = new FrameWriter(secondary, ProtocolRange.SPOKEN.max());
            ByteBuffer data = ByteBuffer.allocateDirect(1 << 20);
            CompletableFuture<List<Frame>> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    FrameReader r = new FrameReader(primary, ProtocolRange.SPOKEN.max());
                    List<Frame> got = new ArrayList<>();
                    for (int n = 0; n < 3; n++) {
                        got.add(r.next());
                    }
                    assertThrows(EOFException.class, r::next, "nothing more than was sent");
                    return got;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            w.append(Frame.reply(Frame.Type.RECEIVED, 1, 0, null));
            while (data.hasRemaining()) {
                data.put((byte) 7);
            }
            w.append(Frame.reply(Frame.Type.REPLY, 2, 0, data.flip()));
            // The reader of a burst reuses its buffer for the next request before it flushes.
            while (data.hasRemaining()) {
                data.put((byte) 8);
            }
            w.append(Frame.reply(Frame.Type.REPLY, 3, 0, null));
            w.flush();
            secondary.close();
            List<Frame> got = reading.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(1L, 2L, 3L), got.stream().map(Frame::seq).toList());
            ByteBuffer payload = got.get(1).payload();
            assertEquals(1 << 20, payload.remaining());
            for (int k = 0; k < payload.remaining(); k++) {
                if (payload.get(payload.position() + k) != 7) {
                    throw new AssertionError("byte " + k + " is not what was appended");
                }
            }
        }
    }

    @Test
    void heldFramesLeaveInOneWriteWithTheNextSendOfAnyThread() throws Exception {
        try (Listener listener = TCP.listen(HastAddress.parse("127.0.0.1:0"));
                Connection primary = TCP.connect(listener.address(), null, Duration.ofSeconds(5));
                Connection secondary = listener.accept()) {
            CountingWrites counted = new CountingWrites(primary);
            FrameWriter w = new FrameWriter(counted, ProtocolRange.SPOKEN.max());
            ByteBuffer data = ByteBuffer.allocate(4096);
            w.hold(Frame.request(Frame.Type.WRITE, 0, 1, 0, 4096, data));
            // Consumed when hold returns, as with send: the caller may reuse the buffer at once.
            data.clear();
            w.hold(Frame.request(Frame.Type.FLUSH, 0, 2, 0, 0, null));
            assertEquals(0, counted.writes, "held frames are not written yet");
            CompletableFuture.runAsync(() -> {
                try {
                    w.send(Frame.request(Frame.Type.WRITE, 0, 3, 4096, 4096, ByteBuffer.allocate(4096)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertEquals(1, counted.writes, "another thread's send wrote the held frames with its own");
            FrameReader r = new FrameReader(secondary, ProtocolRange.SPOKEN.max());
            List<Long> got = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                got.add(r.next().seq());
            }
            assertEquals(List.of(1L, 2L, 3L), got);
        }
    }

    /** A connection that counts the writes made to it. */
    private static final class CountingWrites extends ForwardingConnection {
        volatile int writes;

        CountingWrites(Connection c) {
            super(c);
        }

        @Override
        public void writeFully(ByteBuffer src) throws IOException {
            writes++;
            c.writeFully(src);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            writes++;
            return c.write(src);
        }
    }

    private static byte fill(int sender, int i) {
        return (byte) (sender * 31 + i);
    }
}
