package hast.engine.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import hast.api.Role;
import hast.api.control.Consistency;

/**
 * The metadata block, format 1: a magic, a format version, fixed little-endian fields, the
 * resource name, zero padding, and a CRC32C of everything before it in the block's last 4 bytes.
 * Format 2 adds, right after the name, the stale extents: a 16-bit count and as many 32-bit
 * extent numbers. A block with no stale extent is written in format 1, so that an older hastd
 * still reads it; one with stale extents in format 2, which an older hastd refuses rather than
 * ignore marks that say its copy of those extents is not current.
 * Format 3 adds, after the stale extents (whose count may then be 0), one byte: the copy's
 * {@link Consistency}. A consistent copy is written in format 1 or 2 as before; an inconsistent
 * one in format 3, which an older hastd refuses rather than promote a half-copied disk.
 * A reader refuses what it cannot vouch for, with a message saying which case it is.
 */
public final class MetadataCodec {
    static final byte[] MAGIC = "HASTJMD\0".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    /** The format that carries stale extents. */
    static final int FORMAT_STALE = 2;
    /** The format that carries the consistency of an inconsistent copy. */
    static final int FORMAT_CONSISTENCY = 3;
    /**
     * Most stale extents a block holds: room is left for the longest name, and a disk failing in
     * more places than this is better answered with errors than with ever more marks.
     */
    public static final int MAX_STALE = 512;
    static final int MAX_NAME = 255;
    private static final int CRC_OFFSET = ProviderLayout.METADATA_SIZE - 4;

    private MetadataCodec() {
    }

    /** The prevrole's code on disk: fixed here, so that the API's enum may grow or be reordered. */
    private static int roleCode(Role role) {
        return switch (role) {
            case INIT -> 0;
            case PRIMARY -> 1;
            case SECONDARY -> 2;
        };
    }

    private static Role role(int code) {
        return switch (code) {
            case 0 -> Role.INIT;
            case 1 -> Role.PRIMARY;
            case 2 -> Role.SECONDARY;
            default -> null;
        };
    }

    /** The consistency's code on disk, fixed here as the role's is. */
    private static int consistencyCode(Consistency c) {
        return switch (c) {
            case CONSISTENT -> 0;
            case INCOMPLETE -> 1;
            case OUTDATED -> 2;
        };
    }

    private static Consistency consistency(int code) {
        return switch (code) {
            case 0 -> Consistency.CONSISTENT;
            case 1 -> Consistency.INCOMPLETE;
            case 2 -> Consistency.OUTDATED;
            default -> null;
        };
    }

    /** The oldest format that holds {@code md}: what the most hastd versions read. */
    private static int format(Metadata md) {
        if (md.consistency() != Consistency.CONSISTENT) {
            return FORMAT_CONSISTENCY;
        }
        return md.stale().isEmpty() ? FORMAT : FORMAT_STALE;
    }

    public static ByteBuffer encode(Metadata md) {
        byte[] name = md.resource().getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_NAME) {
            throw new IllegalArgumentException("Resource name must be 1 to " + MAX_NAME + " bytes: " + md.resource());
        }
        ByteBuffer b = ByteBuffer.allocate(ProviderLayout.METADATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (md.stale().size() > MAX_STALE) {
            throw new IllegalArgumentException("At most " + MAX_STALE + " stale extents fit the metadata: "
                    + md.stale().size());
        }
        int format = format(md);
        b.put(MAGIC).putShort((short) format)
                .putLong(md.datasize()).putInt(md.extentsize()).putInt(md.keepdirty()).putLong(md.localoff())
                .putLong(md.resuid()).putLong(md.localcnt()).putLong(md.remotecnt())
                .put((byte) roleCode(md.prevrole()))
                .putShort((short) name.length).put(name);
        if (format >= FORMAT_STALE) {
            b.putShort((short) md.stale().size());
            md.stale().forEach(b::putInt);
        }
        if (format == FORMAT_CONSISTENCY) {
            b.put((byte) consistencyCode(md.consistency()));
        }
        b.putInt(CRC_OFFSET, crc(b.array()));
        return b.clear();
    }

    /**
     * Decodes a block read from {@code provider} (named in messages).
     *
     * @throws MetadataFormatException when the block is not valid metadata of a format we read
     */
    public static Metadata decode(ByteBuffer block, String provider) throws MetadataFormatException {
        ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < ProviderLayout.METADATA_SIZE) {
            throw new MetadataFormatException("Metadata on " + provider + " is truncated (" + b.remaining() + " bytes).");
        }
        byte[] raw = new byte[ProviderLayout.METADATA_SIZE];
        b.get(raw);
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (isZero(raw)) {
            throw new MetadataFormatException("No HAST metadata on " + provider + ": run 'hastctl create' first.");
        }
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new MetadataFormatException(provider + " does not hold HAST metadata (foreign data or another format);"
                    + " 'hastctl create' would overwrite it.");
        }
        int format = Short.toUnsignedInt(in.getShort());
        if (format < FORMAT || format > FORMAT_CONSISTENCY) {
            throw new MetadataFormatException("Metadata on " + provider + " has format " + format
                    + "; this version reads formats " + FORMAT + " to " + FORMAT_CONSISTENCY + ".");
        }
        if (in.getInt(CRC_OFFSET) != crc(raw)) {
            throw new MetadataFormatException("Metadata on " + provider + " is torn or corrupted (checksum mismatch).");
        }
        long datasize = in.getLong();
        int extentsize = in.getInt();
        int keepdirty = in.getInt();
        long localoff = in.getLong();
        long resuid = in.getLong();
        long localcnt = in.getLong();
        long remotecnt = in.getLong();
        int role = in.get();
        int nameLength = Short.toUnsignedInt(in.getShort());
        Role prevrole = role(role);
        if (prevrole == null) {
            throw inconsistent(provider, "unknown prevrole " + role);
        }
        if (nameLength == 0 || nameLength > MAX_NAME) {
            throw inconsistent(provider, "resource name of " + nameLength + " bytes");
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        String resource;
        try {
            // Strictly: a replaced byte would make a name that encode() can no longer write back.
            resource = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw inconsistent(provider, "the resource name is not UTF-8");
        }
        List<Integer> stale = format >= FORMAT_STALE ? stale(in, provider, format == FORMAT_CONSISTENCY) : List.of();
        Consistency consistency = Consistency.CONSISTENT;
        if (format == FORMAT_CONSISTENCY) {
            int code = Byte.toUnsignedInt(in.get());
            consistency = consistency(code);
            if (consistency == null) {
                throw inconsistent(provider, "unknown consistency " + code);
            }
        }
        Metadata md = new Metadata(resource, datasize, extentsize, keepdirty, localoff,
                resuid, localcnt, remotecnt, prevrole, stale, consistency);
        checkLayout(md, provider);
        return md;
    }

    /** @param none whether the format may hold no stale extent (3 does; 2 is written only for some) */
    private static List<Integer> stale(ByteBuffer in, String provider, boolean none) throws MetadataFormatException {
        int count = Short.toUnsignedInt(in.getShort());
        if ((count == 0 && !none) || count > MAX_STALE) {
            throw inconsistent(provider, count + " stale extents");
        }
        List<Integer> stale = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int extent = in.getInt();
            if (extent < 0 || (i > 0 && extent <= stale.get(i - 1))) {
                throw inconsistent(provider, "stale extents out of order");
            }
            stale.add(extent);
        }
        return stale;
    }

    /** Refuses sizes no {@code hastctl create} can have written, even under a valid checksum. */
    private static void checkLayout(Metadata md, String provider) throws MetadataFormatException {
        if (md.extentsize() <= 0 || Integer.bitCount(md.extentsize()) != 1) {
            throw inconsistent(provider, "extent size " + md.extentsize() + " is not a power of two");
        }
        if (md.localoff() < ProviderLayout.METADATA_SIZE) {
            throw inconsistent(provider, "data offset " + md.localoff() + " lies inside the metadata block");
        }
        if (md.datasize() <= 0 || md.datasize() > Long.MAX_VALUE - md.localoff()) {
            throw inconsistent(provider, "data size " + md.datasize() + " is impossible");
        }
        if (md.keepdirty() <= 0) {
            throw inconsistent(provider, "keepdirty " + md.keepdirty() + " is not positive");
        }
        long mapsize = md.localoff() - ProviderLayout.METADATA_SIZE;
        long extents = (md.datasize() - 1) / md.extentsize() + 1;
        if (mapsize > Integer.MAX_VALUE || extents > mapsize * 8) {
            throw inconsistent(provider, "an activemap of " + mapsize + " bytes cannot cover " + extents + " extents");
        }
        if (!md.stale().isEmpty() && md.stale().get(md.stale().size() - 1) >= extents) {
            throw inconsistent(provider, "stale extent " + md.stale().get(md.stale().size() - 1) + " of " + extents);
        }
    }

    private static MetadataFormatException inconsistent(String provider, String what) {
        return new MetadataFormatException("Metadata on " + provider + " is inconsistent: " + what + ".");
    }

    private static int crc(byte[] block) {
        CRC32C crc = new CRC32C();
        crc.update(block, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }

    private static boolean isZero(byte[] block) {
        for (byte x : block) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
