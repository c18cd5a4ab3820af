package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;

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
    }

    private final Connection connection;
    private final Replica replica;
    private final String resource;

    public ReplicaSession(String resource, Connection connection, Replica replica) {
        this.resource = resource;
        this.connection = connection;
        this.replica = replica;
    }

    /** Serves until the connection ends; returns the reason. */
    public String serve() {
        FrameReader reader = new FrameReader(connection, true);
        FrameWriter writer = new FrameWriter(connection);
        boolean first = true;
        try {
            while (true) {
                // The answers to a burst go out together, before waiting for more work.
                writer.flush();
                List<Frame> burst = new ArrayList<>();
                // Only the first frame of a burst can be large (the rest were buffered whole), so the
                // reader's reused buffer for large payloads is never needed twice in one burst.
                burst.add(reader.next());
                while (reader.frameBuffered()) {
                    burst.add(reader.next());
                }
                if (first && burst.stream().anyMatch(f -> f.type() != Frame.Type.KEEPALIVE)) {
                    replica.firstRequest();
                    first = false;
                }
                acknowledgeReceipt(burst, writer);
                for (Frame f : burst) {
                    writer.append(answer(f));
                }
            }
        } catch (IOException e) {
            return e.getMessage();
        } finally {
            try {
                connection.close();
            } catch (IOException ignored) {
                // Ending anyway.
            }
        }
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

    /** Carries out one request; the reply says how it went. */
    private Frame answer(Frame f) throws ProtocolException {
        if (f.type() == Frame.Type.KEEPALIVE) {
            return Frame.reply(Frame.Type.REPLY, 0, 0, null);
        }
        ByteBuffer data = null;
        int error;
        if (!valid(f)) {
            error = EINVAL;
        } else {
            try {
                data = execute(f);
                error = 0;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "[{0}] {1} at {2} failed: {3}",
                        new Object[] {resource, f.type(), f.offset(), e.getMessage()});
                error = EIO;
            }
        }
        replica.count(f.type(), error != 0);
        return Frame.reply(Frame.Type.REPLY, f.seq(), error, data);
    }

    private boolean valid(Frame f) throws ProtocolException {
        return switch (f.type()) {
            case FLUSH -> true;
            case WRITE -> f.payloadSize() == f.length() && inRange(f) && f.length() <= replica.maxRequest();
            case READ -> inRange(f) && f.length() <= replica.maxRequest();
            case DELETE -> inRange(f);
            default -> throw new ProtocolException("unexpected " + f.type() + " from the primary");
        };
    }

    private boolean inRange(Frame f) {
        return f.length() > 0 && f.offset() >= 0 && f.offset() <= replica.datasize() - f.length();
    }

    private ByteBuffer execute(Frame f) throws IOException {
        LocalProvider p = replica.provider();
        switch (f.type()) {
            case WRITE -> p.write(f.payload(), replica.localoff() + f.offset());
            case DELETE -> p.delete(replica.localoff() + f.offset(), f.length());
            case FLUSH -> p.flush();
            case READ -> {
                ByteBuffer b = ByteBuffer.allocate((int) f.length());
                p.read(b, replica.localoff() + f.offset());
                return b.flip();
            }
            default -> throw new IllegalStateException(f.type().toString());
        }
        return null;
    }
}
