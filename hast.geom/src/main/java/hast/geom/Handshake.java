package hast.geom;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The fixed newstyle negotiation: greeting, client flags, then options until the client picks
 * an export (EXPORT_NAME or GO) or leaves.
 */
final class Handshake {
    /** The exports one server offers. */
    interface Catalog {
        /** The export of that name; the empty name means the only export, if there is exactly one. */
        Export find(String name);

        Collection<Export> all();
    }

    private final Wire wire;
    private final Catalog catalog;
    private boolean noZeroes;

    Handshake(Wire wire, Catalog catalog) {
        this.wire = wire;
        this.catalog = catalog;
    }

    /**
     * @return the export chosen, or {@code null} when the client left (ABORT, or an unknown
     *         name with EXPORT_NAME, which has no way to say "no")
     * @throws ProtocolException when the client breaks the protocol
     */
    Export negotiate() throws IOException {
        wire.write(ByteBuffer.allocate(18).putLong(Nbd.NBDMAGIC).putLong(Nbd.IHAVEOPT)
                .putShort((short) (Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES)).flip());
        int clientFlags = wire.read(4).getInt();
        if ((clientFlags & ~(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES)) != 0
                || (clientFlags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
            throw new ProtocolException(String.format("unsupported client flags 0x%08x", clientFlags));
        }
        noZeroes = (clientFlags & Nbd.FLAG_NO_ZEROES) != 0;
        while (true) {
            ByteBuffer header = wire.read(16);
            if (header.getLong() != Nbd.IHAVEOPT) {
                throw new ProtocolException("bad option magic");
            }
            int option = header.getInt();
            int length = header.getInt();
            if (length < 0 || length > Nbd.MAX_OPTION) {
                throw new ProtocolException("option " + option + " with " + Integer.toUnsignedString(length) + " bytes");
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            wire.readInto(data);
            data.flip();
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> {
                    Export e = catalog.find(StandardCharsets.UTF_8.decode(data).toString());
                    if (e != null) {
                        ByteBuffer reply = ByteBuffer.allocate(noZeroes ? 10 : 134);
                        reply.putLong(e.device().size()).putShort((short) Nbd.TRANSMISSION_FLAGS);
                        wire.write(reply.clear());
                    }
                    return e;
                }
                case Nbd.OPT_ABORT -> {
                    reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
                    return null;
                }
                case Nbd.OPT_LIST -> list(option, length);
                case Nbd.OPT_INFO, Nbd.OPT_GO -> {
                    Export e = info(option, data);
                    if (e != null && option == Nbd.OPT_GO) {
                        return e;
                    }
                }
                default -> error(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    private void list(int option, int length) throws IOException {
        if (length != 0) {
            error(option, Nbd.REP_ERR_INVALID, "LIST takes no data");
            return;
        }
        for (Export e : catalog.all()) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            reply(option, Nbd.REP_SERVER, ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).flip());
        }
        reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
    }

    /** INFO and GO: describe the export, then acknowledge; the export when it exists. */
    private Export info(int option, ByteBuffer data) throws IOException {
        if (data.remaining() < 6) {
            error(option, Nbd.REP_ERR_INVALID, "truncated request");
            return null;
        }
        int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2) {
            error(option, Nbd.REP_ERR_INVALID, "bad name length");
            return null;
        }
        byte[] name = new byte[nameLength];
        data.get(name);
        int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != requests * 2) {
            error(option, Nbd.REP_ERR_INVALID, "bad information request count");
            return null;
        }
        String exportName = new String(name, StandardCharsets.UTF_8);
        Export e = catalog.find(exportName);
        if (e == null) {
            error(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + exportName + "'");
            return null;
        }
        reply(option, Nbd.REP_INFO, ByteBuffer.allocate(12).putShort((short) Nbd.INFO_EXPORT)
                .putLong(e.device().size()).putShort((short) Nbd.TRANSMISSION_FLAGS).flip());
        int min = e.device().blockSize();
        reply(option, Nbd.REP_INFO, ByteBuffer.allocate(14).putShort((short) Nbd.INFO_BLOCK_SIZE).putInt(min)
                .putInt(Math.max(4096, min)).putInt(e.device().maxRequest()).flip());
        for (int i = 0; i < requests; i++) {
            if (data.getShort() == Nbd.INFO_NAME) {
                byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
                reply(option, Nbd.REP_INFO, ByteBuffer.allocate(2 + n.length).putShort((short) Nbd.INFO_NAME).put(n).flip());
            }
        }
        reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
        return e;
    }

    private void error(int option, int type, String message) throws IOException {
        reply(option, type, StandardCharsets.UTF_8.encode(message));
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        wire.write(ByteBuffer.allocate(20).putLong(Nbd.OPTION_REPLY_MAGIC).putInt(option).putInt(type)
                .putInt(data.remaining()).flip(), data);
    }
}
