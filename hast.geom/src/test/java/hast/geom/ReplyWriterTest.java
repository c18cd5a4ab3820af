package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import hast.api.transport.Connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who writes a reply, and that a client which stops reading never holds up a completing thread. */
class ReplyWriterTest {
    private final Socket socket = new Socket();
    private final NbdConnection owner = new NbdConnection(socket, null, null, Passes.admit(socket), c -> { },
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "test nbd-relay");
                t.setDaemon(true);
                return t;
            }));
    private static final ReplyFormat SIMPLE = new ReplyFormat(false, false);
    private final ReplyWriter writer = new ReplyWriter(socket, owner);
    private final Thread writerThread = new Thread(writer, "test nbd-reply");

    @AfterEach
    void stop() throws InterruptedException {
        socket.open.countDown();
        writer.close();
        writerThread.join(10_000);
    }

    @Test
    void aReplyOnAnIdleWireIsWrittenByTheThreadThatCompletedTheRequest() throws Exception {
        writerThread.start();
        CountDownLatch sent = new CountDownLatch(1);
        writer.send(SIMPLE.done(7, 0), ByteBuffer.wrap(new byte[] {1, 2, 3}), sent::countDown);
        assertEquals(0, sent.getCount(), "counted as sent before send() returned");
        assertEquals(List.of(Thread.currentThread().getName()), socket.writers());
        assertEquals(List.of(7L), handles(socket.bytes(), 3));
    }

    @Test
    void aFullSocketNeverBlocksTheCompletingThreadAndEveryReplyStillGoesOut() throws Exception {
        socket.full = true;
        writerThread.start();
        int n = 10;
        CountDownLatch sent = new CountDownLatch(n);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < n; i++) {
                writer.send(SIMPLE.done(100 + i, 0), null, sent::countDown);
            }
        }, "a completing thread waited for a client that does not read");
        assertEquals(n, sent.getCount(), "no reply counts as sent while its bytes wait");
        socket.open.countDown();
        assertTrue(sent.await(10, TimeUnit.SECONDS));
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(100L + i);
        }
        assertEquals(expected, handles(socket.bytes(), 0), "every reply, whole, in order");
        assertTrue(socket.writers().stream().allMatch("test nbd-reply"::equals), socket.writers().toString());
    }

    /** The handles of a stream of simple replies, each followed by {@code data} bytes of payload. */
    private static List<Long> handles(byte[] stream, int data) {
        ByteBuffer b = ByteBuffer.wrap(stream);
        List<Long> handles = new ArrayList<>();
        while (b.hasRemaining()) {
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, b.getInt());
            assertEquals(0, b.getInt());
            handles.add(b.getLong());
            b.position(b.position() + data);
        }
        return handles;
    }

    /**
     * A socket whose buffer is either roomy or full: when full, it takes nothing without waiting,
     * and a waiting write blocks until the client "reads" ({@code open}).
     */
    private static final class Socket implements Connection {
        final CountDownLatch open = new CountDownLatch(1);
        volatile boolean full;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final List<String> writers = new ArrayList<>();

        synchronized byte[] bytes() {
            return written.toByteArray();
        }

        synchronized List<String> writers() {
            return List.copyOf(writers);
        }

        @Override
        public int writeAvailable(ByteBuffer src) {
            return full ? 0 : take(src);
        }

        @Override
        public int write(ByteBuffer src) {
            if (full) {
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            return take(src);
        }

        private synchronized int take(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            written.writeBytes(b);
            if (n > 0) {
                writers.add(Thread.currentThread().getName());
            }
            return n;
        }

        @Override
        public int read(ByteBuffer dst) {
            return -1;
        }

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
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
