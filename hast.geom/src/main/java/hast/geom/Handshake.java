package hast.geom;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

import javax.net.ssl.SSLException;

import hast.api.tls.TlsConnection;
import hast.api.tls.TlsCredentials;

/**
 * The fixed newstyle negotiation: greeting, client flags, then options until the client picks
 * an export (EXPORT_NAME or GO) or leaves. Where the exports require TLS, as nbdkit's
 * {@code --tls=require} does, only STARTTLS and ABORT are answered before TLS is up: every other
 * option gets NBD_REP_ERR_TLS_REQD, and EXPORT_NAME (which cannot be refused) a disconnection.
 * A client may ask for structured replies, then for the {@code base:allocation} metadata context
 * of the export it will choose (block status); what it got is {@link #replies()}.
 */
final class Handshake {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());

    /** The exports offered at one address. */
    interface Catalog {
        /** The export of that name; the empty name means the only export, if there is exactly one. */
        Export find(String name);

        Collection<Export> all();
    }

    private final Catalog catalog;
    private final NbdConnection owner;
    private final TlsCredentials tls;
    private Wire wire;
    private boolean secured;
    private boolean noZeroes;
    private boolean structured;
    /** The export whose {@code base:allocation} context SET_META_CONTEXT selected, or {@code null}. */
    private String allocationOf;
    private ReplyFormat replies;

    /** @param tls the credentials of an export that requires TLS, or {@code null} for a plain one */
    Handshake(Wire wire, Catalog catalog, NbdConnection owner, TlsCredentials tls) {
        this.wire = wire;
        this.catalog = catalog;
        this.owner = owner;
        this.tls = tls;
    }

    /** How the transmission phase answers, as negotiated; set once an export was chosen. */
    ReplyFormat replies() {
        return replies;
    }

    /** The wire the negotiation ended on: the TLS one after STARTTLS. */
    Wire wire() {
        return wire;
    }

    /**
     * @return the export chosen, already attached to the connection, or {@code null} when the
     *         client left or asked for an export the server cannot give with EXPORT_NAME (which
     *         has no way to say "no")
     * @throws ProtocolException when the client breaks the protocol
     */
    Export negotiate() throws IOException {
        wire.send(ByteBuffer.allocate(18).putLong(Nbd.NBDMAGIC).putLong(Nbd.IHAVEOPT)
                .putShort((short) Nbd.HANDSHAKE_FLAGS).flip());
        ByteBuffer flags = wire.readHeader(4);
        if (flags == null) {
            return null;
        }
        int clientFlags = flags.getInt();
        if ((clientFlags & ~Nbd.HANDSHAKE_FLAGS) != 0) {
            throw new ProtocolException(String.format("unknown client flags 0x%08x", clientFlags));
        }
        // A client without FIXED_NEWSTYLE speaks plain newstyle: it may only send EXPORT_NAME.
        boolean fixed = (clientFlags & Nbd.FLAG_FIXED_NEWSTYLE) != 0;
        noZeroes = (clientFlags & Nbd.FLAG_NO_ZEROES) != 0;
        while (true) {
            ByteBuffer header = wire.readHeader(16);
            if (header == null) {
                return null;
            }
            if (header.getLong() != Nbd.IHAVEOPT) {
                throw new ProtocolException("bad option magic");
            }
            int option = header.getInt();
            int length = header.getInt();
            // Checked before the payload is allocated: a stranger's option costs at most a few KiB.
            int limit = switch (option) {
                case Nbd.OPT_INFO, Nbd.OPT_GO -> Nbd.MAX_INFO_OPTION;
                case Nbd.OPT_LIST_META_CONTEXT, Nbd.OPT_SET_META_CONTEXT -> Nbd.MAX_META_OPTION;
                default -> Nbd.MAX_OPTION;
            };
            if (length < 0 || length > limit) {
                throw new ProtocolException("option " + option + " of " + Integer.toUnsignedString(length)
                        + " bytes (at most " + limit + ")");
            }
            if (!fixed && option != Nbd.OPT_EXPORT_NAME) {
                throw new ProtocolException("option " + option + " without fixed newstyle negotiation");
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            wire.readInto(data);
            data.flip();
            if (tls != null && !secured && option != Nbd.OPT_STARTTLS && option != Nbd.OPT_ABORT) {
                if (option == Nbd.OPT_EXPORT_NAME) {
                    LOG.info(() -> owner.label() + " asked for an export without TLS, which it requires; disconnected.");
                    return null;
                }
                error(option, Nbd.REP_ERR_TLS_REQD, "TLS is required: send NBD_OPT_STARTTLS first");
                continue;
            }
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> {
                    return exportName(StandardCharsets.UTF_8.decode(data).toString());
                }
                case Nbd.OPT_ABORT -> {
                    reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
                    return null;
                }
                case Nbd.OPT_LIST -> list(data);
                case Nbd.OPT_STARTTLS -> startTls(data);
                case Nbd.OPT_STRUCTURED_REPLY -> structuredReplies(data);
                case Nbd.OPT_LIST_META_CONTEXT, Nbd.OPT_SET_META_CONTEXT -> metaContext(option, data);
                case Nbd.OPT_INFO, Nbd.OPT_GO -> {
                    Export chosen = info(option, data);
                    if (chosen != null) {
                        return chosen;
                    }
                }
                default -> error(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    /**
     * Acknowledges STARTTLS, then runs the TLS handshake; the rest of the negotiation and the
     * transmission go over TLS.
     *
     * @throws ProtocolException when the TLS handshake fails, or the client did not wait for the
     *                           acknowledgement before sending more
     */
    private void startTls(ByteBuffer data) throws IOException {
        if (tls == null) {
            error(Nbd.OPT_STARTTLS, Nbd.REP_ERR_UNSUP, "this export does not offer TLS");
            return;
        }
        if (secured) {
            error(Nbd.OPT_STARTTLS, Nbd.REP_ERR_INVALID, "TLS is already negotiated");
            return;
        }
        if (data.hasRemaining()) {
            error(Nbd.OPT_STARTTLS, Nbd.REP_ERR_INVALID, "STARTTLS takes no data");
            return;
        }
        if (wire.buffered() > 0) {
            throw new ProtocolException("data sent after STARTTLS before its reply");
        }
        reply(Nbd.OPT_STARTTLS, Nbd.REP_ACK, ByteBuffer.allocate(0));
        TlsConnection secure;
        try {
            secure = TlsConnection.handshake(wire.connection(), tls.engine());
        } catch (SSLException e) {
            throw new ProtocolException("TLS negotiation failed: " + e.getMessage());
        }
        secured = true;
        // What was negotiated in the clear does not count (the protocol's rule after STARTTLS).
        structured = false;
        allocationOf = null;
        wire = new Wire(secure);
        owner.secured(secure);
        LOG.fine(() -> owner.label() + " negotiated " + secure.describe() + ".");
    }

    private Export exportName(String name) throws IOException {
        Export e = catalog.find(name);
        if (e == null || !owner.use(e)) {
            LOG.info(() -> owner.label() + " asked for export '" + name
                    + "', which is not offered here; disconnected.");
            return null;
        }
        wire.send(new ExportInfo(e).exportNameReply(noZeroes));
        return chosen(e);
    }

    /** Fixes the replies for the export chosen: block status only for the export its context was set on. */
    private Export chosen(Export e) {
        replies = new ReplyFormat(structured, allocationOf != null && catalog.find(allocationOf) == e);
        return e;
    }

    private void structuredReplies(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            error(Nbd.OPT_STRUCTURED_REPLY, Nbd.REP_ERR_INVALID, "STRUCTURED_REPLY takes no data");
            return;
        }
        structured = true;
        reply(Nbd.OPT_STRUCTURED_REPLY, Nbd.REP_ACK, ByteBuffer.allocate(0));
    }

    /**
     * LIST_META_CONTEXT names the contexts a query finds; SET_META_CONTEXT replaces the selection
     * with those it names, which needs structured replies first (block status answers in one).
     */
    private void metaContext(int option, ByteBuffer data) throws IOException {
        boolean set = option == Nbd.OPT_SET_META_CONTEXT;
        if (set && !structured) {
            error(option, Nbd.REP_ERR_INVALID, "negotiate structured replies before SET_META_CONTEXT");
            return;
        }
        MetaContextQuery query;
        try {
            query = MetaContextQuery.parse(data);
        } catch (MetaContextQuery.Invalid e) {
            error(option, Nbd.REP_ERR_INVALID, e.getMessage());
            return;
        }
        if (catalog.find(query.export()) == null) {
            error(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + query.export() + "' here");
            return;
        }
        if (set) {
            allocationOf = query.selectsAllocation() ? query.export() : null;
            if (allocationOf != null) {
                reply(option, Nbd.REP_META_CONTEXT, context(Nbd.BASE_ALLOCATION_ID, Nbd.BASE_ALLOCATION));
            }
        } else {
            for (String name : query.listed()) {
                // LIST gives no ids: the protocol reserves 0 there.
                reply(option, Nbd.REP_META_CONTEXT, context(0, name));
            }
        }
        reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
    }

    private static ByteBuffer context(int id, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(id).put(bytes).flip();
    }

    private void list(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            error(Nbd.OPT_LIST, Nbd.REP_ERR_INVALID, "LIST takes no data");
            return;
        }
        for (Export e : catalog.all()) {
            reply(Nbd.OPT_LIST, Nbd.REP_SERVER, new ExportInfo(e).listEntry());
        }
        reply(Nbd.OPT_LIST, Nbd.REP_ACK, ByteBuffer.allocate(0));
    }

    /**
     * INFO and GO: describe the export, then acknowledge.
     *
     * @return the export when GO succeeded (the client is now in transmission), else {@code null}
     */
    private Export info(int option, ByteBuffer data) throws IOException {
        if (data.remaining() < 6) {
            error(option, Nbd.REP_ERR_INVALID, "truncated request");
            return null;
        }
        int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > Nbd.MAX_STRING || nameLength > data.remaining() - 2) {
            error(option, Nbd.REP_ERR_INVALID, "bad export name length " + Integer.toUnsignedString(nameLength));
            return null;
        }
        byte[] nameBytes = new byte[nameLength];
        data.get(nameBytes);
        int count = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != count * 2) {
            error(option, Nbd.REP_ERR_INVALID, count + " information requests announced, "
                    + data.remaining() + " bytes sent");
            return null;
        }
        Set<Integer> requested = new HashSet<>();
        while (data.hasRemaining()) {
            requested.add(Short.toUnsignedInt(data.getShort()));
        }
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        Export e = catalog.find(name);
        // GO commits the client: attach before acknowledging, so a withdrawn export is refused.
        if (e == null || (option == Nbd.OPT_GO && !owner.use(e))) {
            error(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "' here");
            return null;
        }
        for (ByteBuffer info : new ExportInfo(e).infoReplies(requested)) {
            reply(option, Nbd.REP_INFO, info);
        }
        reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
        return option == Nbd.OPT_GO ? chosen(e) : null;
    }

    private void error(int option, int type, String message) throws IOException {
        reply(option, type, StandardCharsets.UTF_8.encode(message));
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        wire.send(ByteBuffer.allocate(20).putLong(Nbd.OPTION_REPLY_MAGIC).putInt(option).putInt(type)
                .putInt(data.remaining()).flip(), data);
    }
}
