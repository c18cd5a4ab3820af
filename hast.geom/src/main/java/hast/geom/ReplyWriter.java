package hast.geom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.transport.Connection;

/**
 * Sends the simple replies of one connection from a thread of its own, in the order requests
 * complete. Device completions only queue a reply, so a client that reads slowly never holds up
 * the device's threads. Each reply carries an action that runs once its bytes are on the wire, or
 * once it is certain they never will be; the in-flight accounting hangs on that.
 */
final class ReplyWriter implements Runnable {
    private static final Logger LOG = Logger.getLogger(ReplyWriter.class.getName());
    private static final int BUFFER = 64 * 1024;

    private record Reply(long handle, int error, ByteBuffer data, Runnable sent) {
    }

    /** Queued by {@link #close()} to wake the writer. */
    private static final Reply STOP = new Reply(0, 0, null, () -> { });

    private final Connection connection;
    private final NbdConnection owner;
    private final BlockingQueue<Reply> queue = new LinkedBlockingQueue<>();
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private final List<Runnable> buffered = new ArrayList<>();
    private boolean closed;

    ReplyWriter(Connection connection, NbdConnection owner) {
        this.connection = connection;
        this.owner = owner;
    }

    /**
     * Queues a reply; {@code data} (a read's payload) may be {@code null}. {@code sent} runs on the
     * writer thread after the reply was written, or at once if the connection is already gone.
     */
    void send(long handle, int error, ByteBuffer data, Runnable sent) {
        synchronized (this) {
            if (!closed) {
                queue.add(new Reply(handle, error, data, sent));
                return;
            }
        }
        sent.run();
    }

    /** Stops the writer; replies not yet written are dropped (their actions still run). */
    void close() {
        synchronized (this) {
            closed = true;
        }
        queue.add(STOP);
    }

    @Override
    public void run() {
        try {
            Reply next = queue.take();
            while (next != STOP) {
                // Everything queued meanwhile goes out together; the socket is written when the queue runs dry.
                while (next != null && next != STOP) {
                    put(next);
                    next = queue.poll();
                }
                flush();
                if (next == null) {
                    next = queue.take();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "Replies to {0} cannot be sent: {1}", new Object[] {owner.label(), e.toString()});
            owner.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                closed = true;
            }
            buffered.forEach(Runnable::run);
            buffered.clear();
            for (Reply r = queue.poll(); r != null; r = queue.poll()) {
                r.sent().run();
            }
        }
    }

    private void put(Reply r) throws IOException {
        if (out.remaining() < Nbd.REPLY_HEADER) {
            flush();
        }
        out.putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(r.error()).putLong(r.handle());
        ByteBuffer data = r.data();
        if (data != null) {
            if (data.remaining() <= out.remaining()) {
                out.put(data);
            } else {
                // Large payloads go straight from their own buffer rather than through this one.
                writeBuffered();
                connection.writeFully(data);
            }
        }
        buffered.add(r.sent());
    }

    /** Writes what is buffered, then lets the replies it held count as sent. */
    private void flush() throws IOException {
        writeBuffered();
        buffered.forEach(Runnable::run);
        buffered.clear();
    }

    private void writeBuffered() throws IOException {
        out.flip();
        connection.writeFully(out);
        out.clear();
    }
}
