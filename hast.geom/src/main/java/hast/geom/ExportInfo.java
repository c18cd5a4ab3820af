package hast.geom;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import hast.api.device.HastDevice;

/** What the negotiation tells a client about one export, encoded as the protocol wants it. */
final class ExportInfo {
    /** The reserved tail of the EXPORT_NAME reply, left out when the client negotiated NO_ZEROES. */
    private static final int RESERVED_ZEROES = 124;
    private static final int SMALLEST_PREFERRED_BLOCK = 4096;

    private final Export export;

    ExportInfo(Export export) {
        this.export = export;
    }

    /** The reply to NBD_OPT_EXPORT_NAME: size, transmission flags, and the zeroes unless waived. */
    ByteBuffer exportNameReply(boolean noZeroes) {
        ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : RESERVED_ZEROES));
        b.putLong(export.device().size()).putShort((short) Nbd.TRANSMISSION_FLAGS);
        return b.clear();
    }

    /** An NBD_REP_SERVER payload: the name, then the description for humans. */
    ByteBuffer listEntry() {
        byte[] name = utf8(export.name());
        byte[] description = utf8(export.description());
        return ByteBuffer.allocate(4 + name.length + description.length).putInt(name.length).put(name)
                .put(description).flip();
    }

    /**
     * The NBD_REP_INFO payloads for INFO and GO: the export's size and flags and its block sizes
     * always (a server may volunteer them), its name and description when asked for.
     */
    List<ByteBuffer> infoReplies(Set<Integer> requested) {
        HastDevice device = export.device();
        List<ByteBuffer> replies = new ArrayList<>();
        replies.add(ByteBuffer.allocate(12).putShort((short) Nbd.INFO_EXPORT).putLong(device.size())
                .putShort((short) Nbd.TRANSMISSION_FLAGS).flip());
        int minimum = device.blockSize();
        replies.add(ByteBuffer.allocate(14).putShort((short) Nbd.INFO_BLOCK_SIZE).putInt(minimum)
                .putInt(Math.max(SMALLEST_PREFERRED_BLOCK, minimum)).putInt(device.maxRequest()).flip());
        if (requested.contains(Nbd.INFO_NAME)) {
            replies.add(text(Nbd.INFO_NAME, export.name()));
        }
        if (requested.contains(Nbd.INFO_DESCRIPTION) && !export.description().isEmpty()) {
            replies.add(text(Nbd.INFO_DESCRIPTION, export.description()));
        }
        return replies;
    }

    private ByteBuffer text(int type, String value) {
        byte[] bytes = utf8(value);
        return ByteBuffer.allocate(2 + bytes.length).putShort((short) type).put(bytes).flip();
    }

    private byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
