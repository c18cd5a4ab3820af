package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

import hast.engine.codec.CodecSet;
import hast.engine.codec.PayloadCodec;

/**
 * Reads what the secondary sends on a session: replies matched to their requests by sequence
 * number, RECEIVED receipts (memsync) and the codecs it now decodes. Anything else, or a reply to
 * no request, ends the session.
 */
final class ReplyReceiver {
    /** The link's own log: what an operator filters on did not change when the link was split. */
    private static final Logger LOG = Logger.getLogger(RemoteLink.class.getName());
    /** errno of a reply whose data arrived damaged (EBADMSG). */
    static final int EBADMSG = 74;

    private final String resource;
    private final AwaitingReply pending;
    private final PayloadCodec codec;
    /** Told of the session that ended and why: a read failed or the secondary broke the protocol. */
    private final BiConsumer<LinkSession, String> lost;

    ReplyReceiver(String resource, AwaitingReply pending, PayloadCodec codec, BiConsumer<LinkSession, String> lost) {
        this.resource = resource;
        this.pending = pending;
        this.codec = codec;
        this.lost = lost;
    }

    /** Reads the session's frames until it ends (the receiving thread's whole life). */
    void receive(LinkSession c) {
        FrameReader reader = new FrameReader(c.connection, c.version);
        try {
            while (true) {
                Frame f = reader.next();
                switch (f.type()) {
                    case REPLY -> {
                        if (f.seq() != 0) {
                            RemoteLink.Pending p = pending.answered(f.seq());
                            if (p == null) {
                                throw new ProtocolException("reply to unknown request " + f.seq());
                            }
                            p.received().complete(null);
                            p.done().complete(decoded(f, p));
                        }
                    }
                    case CODECS -> {
                        c.peer = CodecSet.decode(f.payload() == null ? ByteBuffer.allocate(0) : f.payload());
                        LOG.fine(() -> "[" + resource + "] The secondary now decodes " + c.peer + ".");
                    }
                    case RECEIVED -> {
                        RemoteLink.Pending p = pending.received(f.seq());
                        if (p != null) {
                            p.received().complete(null);
                        }
                    }
                    default -> throw new ProtocolException("unexpected " + f.type() + " from the secondary");
                }
            }
        } catch (IOException e) {
            lost.accept(c, e.getMessage());
        }
    }

    /** A reply with its data decoded; one whose data arrived damaged becomes an error reply (EBADMSG). */
    private Frame decoded(Frame f, RemoteLink.Pending p) {
        if ((f.flags() & Frame.FLAG_ENCODED) == 0 || f.payload() == null) {
            return f;
        }
        try {
            ByteBuffer data = codec.decode(f.payload(), p.length(), "READ reply at " + p.offset());
            return Frame.reply(Frame.Type.REPLY, f.seq(), f.error(), data);
        } catch (IOException e) {
            return Frame.reply(Frame.Type.REPLY, f.seq(), EBADMSG, null);
        }
    }
}
