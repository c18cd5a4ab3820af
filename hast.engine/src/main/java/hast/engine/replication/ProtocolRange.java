package hast.engine.replication;

import java.net.ProtocolException;
import java.util.OptionalInt;

/**
 * The replication protocol versions a node speaks, from {@code min} to {@code max}, and the choice
 * of one with a peer: the highest version both speak, as the reference negotiates its own.
 *
 * <p>The frame header's layout is the same in every version, so that any node can read the
 * version of a peer's frame and answer in it. The primary's CHALLENGE is written in its lowest
 * version and carries its range in the header's offset (min) and length (max) fields, which a
 * version 3 node ignores in a CHALLENGE; the secondary answers in the chosen version and puts its
 * own range in the same fields of its RESPONSE (or REFUSE). Every later frame of the connection
 * carries the chosen version. A version 3 node fills neither field: a frame whose two fields are
 * 0 comes from a node that speaks only the version the frame is written in.
 */
public record ProtocolRange(int min, int max) {
    /**
     * What this build speaks. 3: every connection opens with authentication, data payloads may
     * be encoded, the greetings end with the codec lists and a feature byte. Nothing has changed
     * on the wire since, so there is nothing to negotiate yet; the next change raises {@code max}
     * (and keeps {@code min} while the older version is still to be served, for rolling upgrades).
     */
    public static final ProtocolRange SPOKEN = new ProtocolRange(3, 3);
    /** Largest version a frame's version byte can carry. */
    static final int MAX_VERSION = 255;

    public ProtocolRange {
        if (min < 1 || max > MAX_VERSION || min > max) {
            throw new IllegalArgumentException("protocol versions " + min + ".." + max);
        }
    }

    /**
     * The range a peer advertises in the header of its first frame ({@code offset}, {@code length}),
     * written in {@code version}: none advertised (a version 3 node) means that version alone. A
     * refusal for want of a common version is written in a version its sender may not speak.
     */
    static ProtocolRange advertised(int version, long min, long max) throws ProtocolException {
        if (min == 0 && max == 0) {
            return new ProtocolRange(version, version);
        }
        if (min < 1 || max > MAX_VERSION || min > max) {
            throw new ProtocolException("malformed protocol range " + min + ".." + max);
        }
        return new ProtocolRange((int) min, (int) max);
    }

    /** The highest version this range and {@code peer} both speak, if any. */
    public OptionalInt highestCommon(ProtocolRange peer) {
        int highest = Math.min(max, peer.max());
        return highest >= Math.max(min, peer.min()) ? OptionalInt.of(highest) : OptionalInt.empty();
    }

    /** "3" or "3-4", as logs and {@code hastctl} show it. */
    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + "-" + max;
    }
}
