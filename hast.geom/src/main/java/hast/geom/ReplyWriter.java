package hast.geom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.guard.WriteDeadline;
import hast.api.transport.Connection;

/**
 * Sends the replies of one connection, encoded by its {@link ReplyFormat}, in the order requests complete. A completion that
 * finds the wire idle writes its reply itself, as far as the socket takes it without waiting:
 * waking a writer thread for a 16-byte reply costs more than the reply. Anything else (the wire
 * busy, a large read payload, a socket that is full) is queued for the connection's writer
 * thread, so a client that reads slowly never holds up the device's threads. Each reply carries
 * an action that runs once its bytes are on the wire, or once it is certain they never will be;
 * the in-flight accounting hangs on that. Every write that may wait is timed, so that a client that
 * stops reading is noticed by its {@link WriteDeadline}.
 */
final class ReplyWriter implements Runnable, WriteDeadline.Writing {
    private static final Logger LOG = Logger.getLogger(ReplyWriter.class.getName());
    private static final int BUFFER = 64 * 1024;
    /** Largest read payload a completion may write itself; larger ones always go to the writer thread. */
    private static final int DIRECT_MAX = 4096;

    /** @param head the reply's header (and any payload of its own), at most {@link #BUFFER} bytes */
    private record Reply(ByteBuffer head, ByteBuffer data, Runnable sent) {
    }

    /** Queued by {@link #close()} to stop the writer. */
    private static final Reply STOP = new Reply(null, null, () -> { });
    /** Queued after a direct write the socket took only part of: the writer finishes it. */
    private static final Reply FINISH = new Reply(null, null, () -> { });

    private final Connection connection;
    private final NbdConnection owner;
    private final BlockingQueue<Reply> queue = new LinkedBlockingQueue<>();
    /** Guards {@code out}, {@code buffered} and every write to the connection. */
    private final ReentrantLock wire = new ReentrantLock();
    /** Bytes not yet written, always ready for more puts. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    /** The actions of the replies whose bytes are in {@code out}. */
    private final List<Runnable> buffered = new ArrayList<>();
    private boolean closed;
    /** When the write to the connection under way began ({@link System#nanoTime()}), or 0 when none is. */
    private volatile long writingSince;

    ReplyWriter(Connection connection, NbdConnection owner) {
        this.connection = connection;
        this.owner = owner;
    }

    /**
     * Sends a reply: {@code head}, then {@code data} (a read's payload), which may be {@code null}.
     * {@code sent} runs after the reply was written, or at once if the connection is already gone.
     */
    void send(ByteBuffer head, ByteBuffer data, Runnable sent) {
        synchronized (this) {
            if (closed) {
                sent.run();
                return;
            }
        }
        Reply r = new Reply(head, data, sent);
        if ((data == null || data.remaining() <= DIRECT_MAX) && queue.isEmpty() && wire.tryLock()) {
            try {
                if (out.position() == 0) {
                    writeDirectly(r);
                    return;
                }
            } catch (IOException e) {
                // The reply's action is buffered: it runs when the writer thread ends, which this brings about.
                LOG.log(Level.FINE, "Replies to {0} cannot be sent: {1}", new Object[] {owner.label(), e.toString()});
                owner.close();
                return;
            } finally {
                wire.unlock();
            }
        }
        enqueue(r);
    }

    /**
     * Writes a reply without waiting, the wire held and empty. What the socket does not take stays
     * buffered for the writer thread, which is woken to finish it.
     */
    private void writeDirectly(Reply r) throws IOException {
        put(r);
        out.flip();
        connection.writeAvailable(out);
        boolean done = !out.hasRemaining();
        out.compact();
        if (done) {
            runBuffered();
        } else {
            enqueue(FINISH);
        }
    }

    private void enqueue(Reply r) {
        synchronized (this) {
            if (!closed) {
                queue.add(r);
                return;
            }
        }
        r.sent().run();
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
                wire.lock();
                try {
                    // Everything queued meanwhile goes out together; the socket is written when the queue runs dry.
                    while (next != null && next != STOP) {
                        if (next != FINISH) {
                            put(next);
                        }
                        next = queue.poll();
                    }
                    flush();
                } finally {
                    wire.unlock();
                }
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
            wire.lock();
            try {
                runBuffered();
            } finally {
                wire.unlock();
            }
            for (Reply r = queue.poll(); r != null; r = queue.poll()) {
                r.sent().run();
            }
        }
    }

    /** Buffers a reply, writing what is buffered first when it does not fit; the wire is held. */
    private void put(Reply r) throws IOException {
        if (out.remaining() < r.head().remaining()) {
            flush();
        }
        out.put(r.head());
        ByteBuffer data = r.data();
        if (data != null) {
            if (data.remaining() <= out.remaining()) {
                out.put(data);
            } else {
                // Large payloads go straight from their own buffer rather than through this one.
                writeBuffered();
                writeFully(data);
            }
        }
        buffered.add(r.sent());
    }

    /** Writes what is buffered, then lets the replies it held count as sent. */
    private void flush() throws IOException {
        writeBuffered();
        runBuffered();
    }

    private void writeBuffered() throws IOException {
        out.flip();
        try {
            writeFully(out);
        } finally {
            out.clear();
        }
    }

    /** Writes all of {@code b}, the wire held, timed for {@link #writingFor()}. */
    private void writeFully(ByteBuffer b) throws IOException {
        if (!b.hasRemaining()) {
            return;
        }
        writingSince = System.nanoTime();
        try {
            connection.writeFully(b);
        } finally {
            writingSince = 0;
        }
    }

    @Override
    public long writingFor() {
        long since = writingSince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    @Override
    public String peer() {
        return connection.peer();
    }

    private void runBuffered() {
        buffered.forEach(Runnable::run);
        buffered.clear();
    }
}
