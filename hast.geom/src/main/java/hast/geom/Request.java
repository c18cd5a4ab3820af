package hast.geom;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

import hast.api.device.HastDevice;

/**
 * One transmission request header, and the checks that decide whether the device may see it.
 *
 * @param offset unsigned on the wire: a negative value is beyond any device
 * @param length unsigned on the wire, hence a long
 */
record Request(int flags, int type, long handle, long offset, long length) {

    /** Decodes a header of {@link Nbd#REQUEST_HEADER} bytes. */
    static Request parse(ByteBuffer header) throws ProtocolException {
        int magic = header.getInt();
        if (magic != Nbd.REQUEST_MAGIC) {
            throw new ProtocolException(String.format("bad request magic 0x%08x", magic));
        }
        int flags = Short.toUnsignedInt(header.getShort());
        int type = Short.toUnsignedInt(header.getShort());
        return new Request(flags, type, header.getLong(), header.getLong(), Integer.toUnsignedLong(header.getInt()));
    }

    boolean fua() {
        return (flags & Nbd.CMD_FLAG_FUA) != 0;
    }

    boolean noHole() {
        return (flags & Nbd.CMD_FLAG_NO_HOLE) != 0;
    }

    /** Block status: the client wants the first run only. */
    boolean reqOne() {
        return (flags & Nbd.CMD_FLAG_REQ_ONE) != 0;
    }

    /** Whether the request carries data through memory (a write's payload, a read's reply). */
    boolean movesData() {
        return type == Nbd.CMD_READ || type == Nbd.CMD_WRITE;
    }

    /** Bytes of data this request moves through memory; only for requests that passed {@link #refusal}. */
    int dataBytes() {
        return movesData() ? (int) length : 0;
    }

    /**
     * The NBD error to answer instead of calling the device, or 0 when the request is well formed
     * and within the device.
     *
     * @param blockStatus whether the client selected a metadata context, without which block
     *                    status is refused as the protocol says
     */
    int refusal(HastDevice device, boolean blockStatus) {
        int allowedFlags = switch (type) {
            case Nbd.CMD_READ, Nbd.CMD_WRITE, Nbd.CMD_FLUSH, Nbd.CMD_TRIM -> Nbd.CMD_FLAG_FUA;
            case Nbd.CMD_WRITE_ZEROES -> Nbd.CMD_FLAG_FUA | Nbd.CMD_FLAG_NO_HOLE;
            case Nbd.CMD_BLOCK_STATUS -> blockStatus ? Nbd.CMD_FLAG_REQ_ONE : -1;
            default -> -1;
        };
        if (allowedFlags < 0 || (flags & ~allowedFlags) != 0) {
            return Nbd.EINVAL;
        }
        if (type == Nbd.CMD_FLUSH) {
            return offset == 0 && length == 0 ? 0 : Nbd.EINVAL;
        }
        if (length == 0 || movesData() && length > device.maxRequest()) {
            return Nbd.EINVAL;
        }
        if (offset < 0 || offset > device.size() - length) {
            // The protocol asks for ENOSPC when a modification reaches past the end.
            return type == Nbd.CMD_READ || type == Nbd.CMD_BLOCK_STATUS ? Nbd.EINVAL : Nbd.ENOSPC;
        }
        return 0;
    }

    /** Whether a refused write's payload is too large to read past; the connection must go instead. */
    boolean payloadAbsurd(HastDevice device) {
        return type == Nbd.CMD_WRITE && length > 2L * device.maxRequest();
    }

    String describe() {
        String command = switch (type) {
            case Nbd.CMD_READ -> "READ";
            case Nbd.CMD_WRITE -> "WRITE";
            case Nbd.CMD_FLUSH -> "FLUSH";
            case Nbd.CMD_TRIM -> "TRIM";
            case Nbd.CMD_WRITE_ZEROES -> "WRITE_ZEROES";
            case Nbd.CMD_BLOCK_STATUS -> "BLOCK_STATUS";
            default -> "command " + type;
        };
        return String.format("%s (flags 0x%x) of %d bytes at %s", command, flags, length, Long.toUnsignedString(offset));
    }
}
