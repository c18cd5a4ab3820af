package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.control.Queues;
import hast.api.guard.WriteDeadline;
import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;
import hast.engine.codec.PayloadCodec;

/**
 * The secondary's side of one connection, after the handshake: requests are carried out one at
 * a time in arrival order and answered in the same order; the answers to requests that arrived
 * together are written together. For memsync writes a RECEIVED answer goes out as soon as the
 * data is in memory, before the disk writes of its burst.
 */
public final class ReplicaSession {
    private static final Logger LOG = Logger.getLogger(ReplicaSession.class.getName());
    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int EBADMSG = RemoteLink.EBADMSG;
    private static final String STOPPED = "session stopped: a new connection, a role change or a blocked answer";

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
    /** What the primary decodes: read replies use nothing else. */
    private volatile CodecSet peer;
    /** Requests of the current burst not carried out yet (written by the session's thread only). */
    private volatile int waiting;
    /** Answers buffered and not yet written back (written by the session's thread only). */
    private volatile int unsent;
    private volatile boolean stopping;

    /**
     * @param version the protocol version the handshake agreed on
     * @param peer   what the primary announced it decodes in its HELLO
     * @param writes ends the session when an answer cannot be written for the timeout (a primary
     *               that stopped reading blocks the write, where no read timeout applies)
     */
    public ReplicaSession(String resource, Connection connection, int version, Replica replica, PayloadCodec codec,
            CodecSet peer, WriteDeadline writes) {
        this.resource = resource;
        this.writes = writes;
        this.connection = connection;
        this.replica = replica;
        this.codec = codec;
        this.peer = peer;
        this.version = version;
        this.writer = new FrameWriter(connection, version);
    }

    /**
     * Serves until the connection ends, or until {@link #stop()}; returns the reason. A burst read
     * is always carried out to its end, even when its answers can no longer be sent: memsync may
     * have acknowledged its writes to the client already (RECEIVED), and the primary keeps the
     * extents of what it got no answer for dirty, so finishing costs nothing and abandoning could
     * lose an acknowledged write.
     */
    public String serve() {
        FrameReader reader = new FrameReader(connection, true, version);
        Runnable announce = this::announce;
        codec.watch(announce);
        writes.watch(writer, this::stop);
        boolean first = true;
        try {
            while (!stopping) {
                // The answers to a burst go out together, before waiting for more work.
                writer.flush();
                unsent = 0;
                List<Frame> burst = new ArrayList<>();
                // Only the first frame of a burst can be large (the rest were buffered whole), so the
                // reader's reused buffer for large payloads is never needed twice in one burst.
                burst.add(reader.next());
                while (reader.frameBuffered()) {
                    burst.add(reader.next());
                }
                if (first && burst.stream().anyMatch(ReplicaSession::isRequest)) {
                    replica.firstRequest();
                    first = false;
                }
                IOException ended = carryOut(burst);
                if (ended != null) {
                    throw ended;
                }
            }
            return STOPPED;
        } catch (IOException e) {
            // Once stopped, the failure is only the closed connection's echo.
            return stopping ? STOPPED : String.valueOf(e.getMessage());
        } finally {
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
     * Ends the session: nothing more is read, the burst under way is carried out (see
     * {@link #serve()}), and its answers go nowhere. Returns at once; the serving thread ends
     * when its burst is done.
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
     * Carries out every request of a burst in order and buffers their answers; returns why the
     * session must end after it (the answers could not be sent, a frame made no sense), or null.
     */
    private IOException carryOut(List<Frame> burst) {
        IOException ended = null;
        waiting = burst.size();
        try {
            acknowledgeReceipt(burst, writer);
        } catch (IOException e) {
            ended = e;
        }
        for (Frame f : burst) {
            Frame reply;
            try {
                reply = answer(f);
            } catch (ProtocolException e) {
                ended = ended == null ? e : ended;
                reply = null;
            }
            waiting--;
            if (reply != null && ended == null) {
                try {
                    writer.append(reply);
                    unsent++;
                } catch (IOException e) {
                    ended = e;
                }
            }
        }
        return ended;
    }

    /** The secondary's share of {@link Queues}: requests waiting for the disk, answers waiting for the wire. */
    public Queues queues() {
        return new Queues(waiting, unsent, 0, 0, 0);
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

    /** Carries out one request; the reply says how it went ({@code null}: the frame wants none). */
    private Frame answer(Frame f) throws ProtocolException {
        if (f.type() == Frame.Type.KEEPALIVE) {
            return Frame.reply(Frame.Type.REPLY, 0, 0, null);
        }
        if (f.type() == Frame.Type.CODECS) {
            peer = CodecSet.decode(f.payload() == null ? ByteBuffer.allocate(0) : f.payload());
            return null;
        }
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

    /** A synchronisation report; requests are carried out in order, so the pass's writes are all done. */
    private Frame synchronisation(Frame f) {
        try {
            replica.synchronisation(f.offset(), f.length(), (f.flags() & Frame.SYNC_FINISHED) != 0);
            return Frame.reply(Frame.Type.REPLY, f.seq(), 0, null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "[{0}] Unable to record the end of the synchronisation: {1}",
                    new Object[] {resource, e.getMessage()});
            return Frame.reply(Frame.Type.REPLY, f.seq(), EIO, null);
        }
    }

    private boolean valid(Frame f, ByteBuffer payload) throws ProtocolException {
        return switch (f.type()) {
            case FLUSH -> true;
            case WRITE -> payload != null && payload.remaining() == f.length() && inRange(f)
                    && f.length() <= replica.maxRequest();
            case READ -> inRange(f) && f.length() <= replica.maxRequest();
            case DELETE -> inRange(f);
            default -> throw new ProtocolException("unexpected " + f.type() + " from the primary");
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
