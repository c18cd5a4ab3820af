package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.control.Queues;
import hast.api.guard.WriteDeadline;
import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;
import hast.engine.codec.PayloadCodec;

/**
 * The secondary's side of one connection, after the handshake. The requests are carried out by
 * the disk threads, several at once (small writes by the reader itself, see {@link #admit}), in
 * the order {@link ApplyOrder} keeps (overlapping writes as
 * they arrived, a flush after every request before it), and each is answered when it is done
 * (those the reader carries out, at the end of its burst): answers may go out in another order
 * than the requests came, and the primary matches them by sequence number. For memsync writes a
 * RECEIVED answer goes out as soon as the data is in memory,
 * before the disk writes of its burst.
 */
public final class ReplicaSession {
    private static final Logger LOG = Logger.getLogger(ReplicaSession.class.getName());
    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int EBADMSG = ReplyReceiver.EBADMSG;
    private static final String STOPPED = "session stopped: a new connection, a role change or a blocked answer";
    /**
     * Requests admitted at once: a primary's whole queue (32 requests is a deep one) is on its way
     * to the disk, while what a disk slower than the link holds stays bounded.
     */
    public static final int IN_FLIGHT = 64;
    /** Payloads of more than the reader's buffer (up to 1 MiB each) read or carried out at once. */
    private static final int LARGE_IN_FLIGHT = 8;
    /** Largest write the reader carries out itself, as the primary's reader does its own. */
    private static final int INLINE_MAX = 64 * 1024;

    /** What the session needs of the secondary's local component. */
    public interface Replica {
        LocalProvider provider();

        long localoff();

        long datasize();

        int maxRequest();

        /** The first request after a handshake: the primary has merged our activemap, clear ours. */
        void firstRequest() throws IOException;

        /** Statistics: one request of this type arrived. */
        void count(Frame.Type type, boolean failed);

        /**
         * The primary's report on its synchronisation: {@code done} of {@code total} bytes copied,
         * or, {@code finished}, all of them, every write of the pass carried out here before.
         *
         * @throws IOException the copy could not be recorded as consistent (the primary tries again)
         */
        void synchronisation(long done, long total, boolean finished) throws IOException;
    }

    private final Connection connection;
    private final Replica replica;
    private final String resource;
    private final PayloadCodec codec;
    /** The protocol version the handshake agreed on. */
    private final int version;
    private final FrameWriter writer;
    private final WriteDeadline writes;
    /** Where requests that the reader does not carry out itself go: threads started on demand. */
    private final Executor disk;
    private final ApplyOrder order;
    private final LargePayloads large = new LargePayloads(LARGE_IN_FLIGHT);
    /** What the primary decodes: read replies use nothing else. */
    private volatile CodecSet peer;
    /** Why an answer could not be sent, which ends the session; the first reason is kept. */
    private volatile IOException failure;
    private volatile boolean stopping;

    /**
     * @param version the protocol version the handshake agreed on
     * @param peer   what the primary announced it decodes in its HELLO
     * @param writes ends the session when an answer cannot be written for the timeout (a primary
     *               that stopped reading blocks the write, where no read timeout applies)
     * @param disk   carries out requests beside the session's reader: enough threads for
     *               {@link #IN_FLIGHT} requests are useful, more are not
     */
    public ReplicaSession(String resource, Connection connection, int version, Replica replica, PayloadCodec codec,
            CodecSet peer, WriteDeadline writes, Executor disk) {
        this.resource = resource;
        this.disk = disk;
        this.order = new ApplyOrder(IN_FLIGHT, replica.datasize());
        this.writes = writes;
        this.connection = connection;
        this.replica = replica;
        this.codec = codec;
        this.peer = peer;
        this.version = version;
        this.writer = new FrameWriter(connection, version);
    }

    /**
     * Serves until the connection ends, or until {@link #stop()}; returns the reason. Every
     * request read is carried out before this returns, even when its answer can no longer be
     * sent: memsync may have acknowledged its writes to the client already (RECEIVED), and the
     * primary keeps the extents of what it got no answer for dirty, so finishing costs nothing and
     * abandoning could lose an acknowledged write. The next session starts only after that, so no
     * write of this one lands over a newer one.
     */
    public String serve() {
        FrameReader reader = new FrameReader(connection, large, version);
        Runnable announce = this::announce;
        codec.watch(announce);
        writes.watch(writer, this::stop);
        boolean first = true;
        try {
            while (!stopping) {
                List<Frame> burst = new ArrayList<>();
                // Only the first frame of a burst can be large (the rest were buffered whole).
                burst.add(reader.next());
                while (reader.frameBuffered()) {
                    burst.add(reader.next());
                }
                if (first && burst.stream().anyMatch(ReplicaSession::isRequest)) {
                    replica.firstRequest();
                    first = false;
                }
                IOException ended = admit(burst, !reader.frameBuffered());
                if (ended != null) {
                    throw ended;
                }
            }
            return STOPPED;
        } catch (IOException e) {
            // Once stopped, the failure is only the closed connection's echo; an answer that could
            // not be sent closed the connection too, and is the reason.
            IOException why = failure != null ? failure : e;
            return stopping ? STOPPED : String.valueOf(why.getMessage());
        } finally {
            order.drain();
            codec.ignore(announce);
            writes.forget(writer);
            try {
                connection.close();
            } catch (IOException ignored) {
                // Ending anyway.
            }
        }
    }

    /**
     * Ends the session: nothing more is read, the requests read are carried out (see
     * {@link #serve()}), and their answers go nowhere. Returns at once; the serving thread ends
     * when they are done.
     */
    public void stop() {
        stopping = true;
        try {
            connection.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    /**
     * Acknowledges the receipt of a burst's memsync writes, then admits its requests; returns why
     * the session must end after it (the answers could not be sent, a frame made no sense), or
     * null. Every request of the burst is admitted even then: its receipt may be acknowledged.
     *
     * @param quiet nothing more has arrived: the reader carries out the burst's small writes
     *              itself, and its last request when nothing else is under way (a primary at
     *              queue depth 1), sparing the hand-over to a disk thread, which costs more than
     *              a write to the page cache (a wake-up per request on a busy machine); requests
     *              that arrive meanwhile are read once they are done (a disk that stalls them
     *              stalls those too, as when every request was carried out in turn). Flushes,
     *              FUA and large writes, reads and trims, which may wait for the device, go to
     *              the disk threads, so that they are carried out several at once. The answers
     *              of what the reader carries out leave together, in one write after the burst
     *              (a fullsync primary waits for them, but one write per answer cost the reader
     *              a system call per request)
     */
    private IOException admit(List<Frame> burst, boolean quiet) {
        IOException ended = null;
        boolean carriedOut = false;
        try {
            acknowledgeReceipt(burst, writer);
        } catch (IOException e) {
            ended = e;
        }
        for (int i = 0; i < burst.size(); i++) {
            Frame f = burst.get(i);
            switch (f.type()) {
                case KEEPALIVE -> {
                    if (ended == null) {
                        try {
                            writer.send(Frame.reply(Frame.Type.REPLY, 0, 0, null));
                        } catch (IOException e) {
                            ended = e;
                        }
                    }
                }
                case CODECS -> {
                    try {
                        peer = CodecSet.decode(f.payload() == null ? ByteBuffer.allocate(0) : f.payload());
                    } catch (ProtocolException e) {
                        ended = ended != null ? ended : e;
                    } finally {
                        large.give(f.payload());
                    }
                }
                case WRITE, DELETE, FLUSH, READ, DIGEST, SYNC -> {
                    ApplyOrder.Entry e = order.admit(f);
                    if (!e.startsNow()) {
                        continue;
                    }
                    if (quiet && (small(f) || i == burst.size() - 1 && order.size() == 1)) {
                        carryOut(e, true);
                        carriedOut = true;
                    } else {
                        start(e);
                    }
                }
                default -> {
                    large.give(f.payload());
                    ended = ended != null ? ended : new ProtocolException("unexpected " + f.type() + " from the primary");
                }
            }
        }
        if (carriedOut) {
            sendHeld();
        }
        return ended;
    }

    /** Hands a request to a disk thread; once the pool is gone (the role closed under a stuck disk), carries it out here. */
    private void start(ApplyOrder.Entry e) {
        try {
            disk.execute(() -> carryOut(e, false));
        } catch (RejectedExecutionException gone) {
            carryOut(e, false);
        }
    }

    /**
     * Carries out a request and answers it, then the requests that waited only for it: the first
     * here, the others on disk threads.
     *
     * @param held the answers wait in the writer's buffer for the end of the reader's burst
     */
    private void carryOut(ApplyOrder.Entry first, boolean held) {
        for (ApplyOrder.Entry e = first; e != null; ) {
            List<ApplyOrder.Entry> next;
            try {
                send(answer(e.frame), held);
            } catch (RuntimeException bug) {
                LOG.log(Level.SEVERE, "[" + resource + "] " + e.frame.type() + " at " + e.frame.offset()
                        + " failed unexpectedly; ending the session.", bug);
                fail(new IOException("internal error: " + bug, bug));
            } finally {
                large.give(e.frame.payload());
                next = order.finished(e);
            }
            e = null;
            for (ApplyOrder.Entry n : next) {
                if (e == null) {
                    e = n;
                } else {
                    start(n);
                }
            }
        }
    }

    /**
     * Sends an answer, or with {@code held} leaves it in the writer's buffer for the next send or
     * {@link #sendHeld()}. One that cannot be sent ends the session, and no later one is tried.
     */
    private void send(Frame reply, boolean held) {
        if (failure != null) {
            return;
        }
        try {
            if (held) {
                writer.hold(reply);
            } else {
                writer.send(reply);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Writes the answers held for the end of the reader's burst. */
    private void sendHeld() {
        if (failure != null) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException why) {
        synchronized (this) {
            if (failure == null) {
                failure = why;
            }
        }
        try {
            connection.close();
        } catch (IOException ignored) {
            // The reader ends on the closed connection anyway.
        }
    }

    /** The secondary's share of {@link Queues}: requests waiting for the disk, answers waiting for the wire. */
    public Queues queues() {
        return new Queues(order.size(), writer.queued(), 0, 0, 0);
    }

    /** memsync: the primary waits for these, not for the disk writes, so they go out first. */
    private static void acknowledgeReceipt(List<Frame> burst, FrameWriter writer) throws IOException {
        boolean any = false;
        for (Frame f : burst) {
            if (f.type() == Frame.Type.WRITE && (f.flags() & Frame.FLAG_RECEIPT) != 0) {
                writer.append(Frame.reply(Frame.Type.RECEIVED, f.seq(), 0, null));
                any = true;
            }
        }
        if (any) {
            writer.flush();
        }
    }

    private static boolean small(Frame f) {
        return f.type() == Frame.Type.WRITE && (f.flags() & Frame.FLAG_FUA) == 0 && f.length() <= INLINE_MAX;
    }

    private static boolean isRequest(Frame f) {
        return f.type() != Frame.Type.KEEPALIVE && f.type() != Frame.Type.CODECS;
    }

    /** A codec bundle came or went here: tell the primary what this node decodes now. */
    private void announce() {
        try {
            writer.send(Frame.request(Frame.Type.CODECS, 0, 0, 0, 0, codec.decodable().encode()));
        } catch (IOException e) {
            LOG.fine(() -> "[" + resource + "] Unable to send the codec list: " + e.getMessage());
        }
    }

    /** Carries out one request (a type {@link #admit} lets through); the reply says how it went. */
    private Frame answer(Frame f) {
        ByteBuffer payload = f.payload();
        if ((f.flags() & Frame.FLAG_ENCODED) != 0 && f.type() == Frame.Type.WRITE && payload != null) {
            try {
                payload = codec.decode(payload, f.length(), f.type() + " at " + f.offset());
            } catch (PayloadCodec.DamagedPayloadException e) {
                // Logged and counted by the codec; the primary keeps the extent dirty and sends it again.
                replica.count(f.type(), true);
                return Frame.reply(Frame.Type.REPLY, f.seq(), EBADMSG, null);
            } catch (IOException e) {
                LOG.warning(e.getMessage());
                replica.count(f.type(), true);
                return Frame.reply(Frame.Type.REPLY, f.seq(), EIO, null);
            }
        }
        if (f.type() == Frame.Type.DIGEST) {
            return digest(f);
        }
        if (f.type() == Frame.Type.SYNC) {
            return synchronisation(f);
        }
        ByteBuffer data = null;
        int error;
        if (!valid(f, payload)) {
            error = EINVAL;
        } else {
            try {
                data = execute(f, payload);
                error = 0;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "[{0}] {1} at {2} failed: {3}",
                        new Object[] {resource, f.type(), f.offset(), e.getMessage()});
                error = EIO;
            }
        }
        replica.count(f.type(), error != 0);
        if (data == null) {
            return Frame.reply(Frame.Type.REPLY, f.seq(), error, null);
        }
        try {
            PayloadCodec.Encoded e = codec.encode(data, peer);
            return Frame.reply(Frame.Type.REPLY, e.encoded() ? Frame.FLAG_ENCODED : 0, f.seq(), 0, e.payload());
        } catch (PayloadCodec.ChecksumUnavailableException e) {
            LOG.warning(() -> "[" + resource + "] READ at " + f.offset() + " not answered with data: " + e.getMessage()
                    + ", and data goes nowhere unverified.");
            return Frame.reply(Frame.Type.REPLY, f.seq(), EIO, null);
        }
    }

    /** Reads a range and answers with its digest, unencoded: it is compared, not stored. */
    private Frame digest(Frame f) {
        if (f.payload() == null || !inRange(f) || f.length() > replica.maxRequest()) {
            return Frame.reply(Frame.Type.REPLY, f.seq(), EINVAL, null);
        }
        String checksum = StandardCharsets.US_ASCII.decode(f.payload()).toString();
        try {
            ByteBuffer b = ByteBuffer.allocate((int) f.length());
            replica.provider().read(b, replica.localoff() + f.offset());
            return Frame.reply(Frame.Type.REPLY, f.seq(), 0, ByteBuffer.wrap(codec.digest(checksum, b.flip())));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "[{0}] DIGEST at {1} failed: {2}", new Object[] {resource, f.offset(), e.getMessage()});
            return Frame.reply(Frame.Type.REPLY, f.seq(), EIO, null);
        }
    }

    /** A synchronisation report; it comes after every request before it (see {@link ApplyOrder}), so the pass's writes are all done. */
    private Frame synchronisation(Frame f) {
        try {
            boolean finished = (f.flags() & Frame.SYNC_FINISHED) != 0;
            replica.synchronisation(f.offset(), f.length(), finished);
            if (finished) {
                // The pass's burst of large chunks is over: its buffers need not stay resident.
                large.releaseIdle();
            }
            return Frame.reply(Frame.Type.REPLY, f.seq(), 0, null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "[{0}] Unable to record the end of the synchronisation: {1}",
                    new Object[] {resource, e.getMessage()});
            return Frame.reply(Frame.Type.REPLY, f.seq(), EIO, null);
        }
    }

    private boolean valid(Frame f, ByteBuffer payload) {
        return switch (f.type()) {
            case FLUSH -> true;
            case WRITE -> payload != null && payload.remaining() == f.length() && inRange(f)
                    && f.length() <= replica.maxRequest();
            case READ -> inRange(f) && f.length() <= replica.maxRequest();
            case DELETE -> inRange(f);
            default -> throw new IllegalStateException(f.type().toString());
        };
    }

    private boolean inRange(Frame f) {
        return f.length() > 0 && f.offset() >= 0 && f.offset() <= replica.datasize() - f.length();
    }

    private ByteBuffer execute(Frame f, ByteBuffer payload) throws IOException {
        LocalProvider p = replica.provider();
        switch (f.type()) {
            case WRITE -> p.write(payload, replica.localoff() + f.offset());
            case DELETE -> p.delete(replica.localoff() + f.offset(), f.length());
            case FLUSH -> p.flush();
            case READ -> {
                ByteBuffer b = ByteBuffer.allocate((int) f.length());
                p.read(b, replica.localoff() + f.offset());
                return b.flip();
            }
            default -> throw new IllegalStateException(f.type().toString());
        }
        if ((f.flags() & Frame.FLAG_FUA) != 0) {
            p.flush();
        }
        return null;
    }
}
