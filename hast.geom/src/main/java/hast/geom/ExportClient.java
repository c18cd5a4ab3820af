package hast.geom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import hast.api.transport.Connection;

/**
 * The client's half of the fixed newstyle handshake, for a connection the kernel takes over
 * afterwards: {@code NBD_OPT_GO} for one export, asking for its block sizes, and nothing the
 * kernel would not understand (no structured replies).
 */
final class ExportClient {

    /**
     * What the server said about the export.
     *
     * @param size      bytes
     * @param flags     transmission flags
     * @param blockSize the smallest block the server takes (512 when it gave none)
     */
    record Negotiated(long size, int flags, int blockSize) {
    }

    private ExportClient() {
    }

    /**
     * Negotiates {@code name} on {@code c}; afterwards the connection is in the transmission phase.
     *
     * @throws IOException naming what the server refused or sent wrong
     */
    static Negotiated go(Connection c, String name) throws IOException {
        ByteBuffer greeting = read(c, 18);
        if (greeting.getLong() != Nbd.NBDMAGIC || greeting.getLong() != Nbd.IHAVEOPT) {
            throw new IOException(c.peer() + " is not a newstyle NBD server");
        }
        int serverFlags = Short.toUnsignedInt(greeting.getShort());
        if ((serverFlags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException(c.peer() + " does not speak fixed newstyle NBD");
        }
        int clientFlags = Nbd.FLAG_FIXED_NEWSTYLE | (serverFlags & Nbd.FLAG_NO_ZEROES);
        byte[] export = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer go = ByteBuffer.allocate(4 + 16 + 4 + export.length + 2 + 2).putInt(clientFlags)
                .putLong(Nbd.IHAVEOPT).putInt(Nbd.OPT_GO).putInt(4 + export.length + 2 + 2)
                .putInt(export.length).put(export).putShort((short) 1).putShort((short) Nbd.INFO_BLOCK_SIZE).flip();
        c.writeFully(go);
        long size = -1;
        int flags = 0;
        int blockSize = 512;
        while (true) {
            ByteBuffer header = read(c, 20);
            if (header.getLong() != Nbd.OPTION_REPLY_MAGIC || header.getInt() != Nbd.OPT_GO) {
                throw new IOException(c.peer() + " sent a malformed option reply");
            }
            int type = header.getInt();
            long length = Integer.toUnsignedLong(header.getInt());
            if (length > Nbd.MAX_OPTION) {
                throw new IOException(c.peer() + " sent an option reply of " + length + " bytes");
            }
            ByteBuffer data = read(c, (int) length);
            if (type == Nbd.REP_ACK) {
                break;
            }
            if (type < 0) {
                String text = StandardCharsets.UTF_8.decode(data).toString();
                throw new IOException(c.peer() + " refused export '" + name + "' (error 0x"
                        + Integer.toHexString(type) + (text.isEmpty() ? "" : ": " + text) + ")");
            }
            if (type == Nbd.REP_INFO && length >= 2) {
                int info = Short.toUnsignedInt(data.getShort());
                if (info == Nbd.INFO_EXPORT && length >= 12) {
                    size = data.getLong();
                    flags = Short.toUnsignedInt(data.getShort());
                } else if (info == Nbd.INFO_BLOCK_SIZE && length >= 14) {
                    blockSize = data.getInt();
                }
            }
        }
        if (size < 0) {
            throw new IOException(c.peer() + " finished NBD_OPT_GO for '" + name + "' without the export's size");
        }
        return new Negotiated(size, flags, blockSize);
    }

    private static ByteBuffer read(Connection c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        c.readFully(b);
        return b.flip();
    }
}
