package hast.engine.replication;

import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;

/**
 * The handshake: the protocol version (see {@link ProtocolRange}), authentication (see
 * {@link Authentication}), the primary's HELLO, the secondary's WELCOME or REFUSE.
 */
public final class Greeting {
    private Greeting() {
    }

    /**
     * The primary's side, on a fresh connection: agrees on a protocol version within
     * {@code spoken} (see {@link ProtocolRange}), authenticates with {@code secret} (null: none
     * configured), then sends {@code hello} and reads the answer. Nothing of the copy (resuid,
     * counters) is sent before the secondary has proved it knows the secret.
     *
     * @return the version agreed and the secondary's WELCOME, or {@code null} when it refused or
     *         failed authentication (the connection is closed and {@code pairing} told why)
     */
    static Accepted exchange(Connection c, Duration timeout, LinkSecret secret, ProtocolRange spoken, Hello hello,
            Pairing pairing) throws IOException {
        c.setReadTimeout(timeout);
        Authentication.Challenge challenge = Authentication.challenge(hello.resource(), secret, Authentication.nonce());
        // In our oldest version, which is the one an older secondary reads; the range rides in fields it ignores.
        Frame.request(Frame.Type.CHALLENGE, 0, 0, spoken.min(), spoken.max(), challenge.encode())
                .write(c, spoken.min());
        Frame.Opening opening = Frame.readOpening(c);
        Frame answer = opening.frame();
        OptionalInt common = spoken.highestCommon(opening.range());
        if (answer.type() == Frame.Type.REFUSE && (answer.flags() == Frame.REFUSED_VERSION || common.isEmpty())) {
            c.close();
            pairing.noCommonVersion(spoken, opening.range(), text(answer));
            return null;
        }
        if (refused(c, answer, pairing)) {
            return null;
        }
        if (answer.type() != Frame.Type.RESPONSE || answer.payload() == null) {
            throw new ProtocolException("expected RESPONSE, got " + answer.type());
        }
        int version = opening.version();
        if (common.isEmpty() || common.getAsInt() != version) {
            throw new ProtocolException("the secondary answered in protocol version " + version + " (this node speaks "
                    + spoken + ", the secondary " + opening.range() + ")");
        }
        byte[] proof;
        try {
            proof = Authentication.prove(challenge, secret, Authentication.Response.decode(answer.payload()));
        } catch (Authentication.Failed e) {
            c.close();
            pairing.authenticationFailed(e.code(), e.getMessage());
            return null;
        }
        Frame.request(Frame.Type.PROOF, 0, 0, 0, 0, ByteBuffer.wrap(proof)).write(c, version);
        Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, hello.encode()).write(c, version);
        answer = Frame.read(c, version);
        if (refused(c, answer, pairing)) {
            return null;
        }
        if (answer.type() != Frame.Type.WELCOME || answer.payload() == null) {
            throw new ProtocolException("expected WELCOME, got " + answer.type());
        }
        return new Accepted(version, opening.range(), Welcome.decode(answer.payload()));
    }

    /**
     * A handshake the secondary accepted: the protocol version of the connection, the versions the
     * secondary speaks, and its WELCOME.
     */
    record Accepted(int version, ProtocolRange peer, Welcome welcome) {
    }

    private static String text(Frame f) {
        return f.payload() == null ? "" : StandardCharsets.UTF_8.decode(f.payload()).toString();
    }

    /** Whether {@code answer} is a REFUSE: then the connection is closed and {@code pairing} told why. */
    private static boolean refused(Connection c, Frame answer, Pairing pairing) throws IOException {
        if (answer.type() != Frame.Type.REFUSE) {
            return false;
        }
        String message = text(answer);
        c.close();
        if (answer.flags() == Frame.REFUSED_AUTHENTICATION) {
            pairing.authenticationFailed("refused-by-secondary", "the secondary refused: " + message);
        } else {
            pairing.refused(message, answer.flags() == Frame.REFUSED_SPLIT_BRAIN);
        }
        return true;
    }

    /**
     * Bit of the byte that ends a HELLO or a WELCOME, after the codec list: the primary reports
     * synchronisation with {@link Frame.Type#SYNC} frames (HELLO), the secondary wants those
     * reports (WELCOME). A peer older than the byte ends its greeting with the codec list and
     * reads no further, so the two sides agree on the reports without a new protocol version; a
     * greeting that offers nothing leaves the byte out, as an older peer's does.
     */
    static final int SYNC_REPORTS = 1;

    private static ByteBuffer features(ByteBuffer b, boolean syncReports) {
        return syncReports ? b.put((byte) SYNC_REPORTS) : b;
    }

    /** The feature byte after a greeting's codec list: absent (an older peer) means none. */
    private static boolean readSyncReports(ByteBuffer b) {
        return b.hasRemaining() && (b.get() & SYNC_REPORTS) != 0;
    }

    /**
     * What the primary says of its copy.
     *
     * @param maxRequest  largest request it will send; the secondary refuses to pair if it cannot take it
     * @param codecs      what the primary can decode (the secondary's read replies)
     * @param syncReports the primary reports each synchronisation's progress and end to a
     *                    secondary that asks for it in its WELCOME
     */
    public record Hello(String resource, long resuid, long localcnt, long remotecnt, long datasize, int extentsize,
            int maxRequest, CodecSet codecs, boolean syncReports) {

        public ByteBuffer encode() {
            byte[] name = resource.getBytes(StandardCharsets.UTF_8);
            ByteBuffer set = codecs.encode();
            ByteBuffer b = ByteBuffer.allocate(2 + name.length + 8 * 4 + 4 + 4 + set.remaining() + 1)
                    .putShort((short) name.length).put(name).putLong(resuid).putLong(localcnt).putLong(remotecnt)
                    .putLong(datasize).putInt(extentsize).putInt(maxRequest).put(set);
            return features(b, syncReports).flip();
        }

        public static Hello decode(ByteBuffer b) throws ProtocolException {
            try {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                return new Hello(new String(name, StandardCharsets.UTF_8), b.getLong(), b.getLong(), b.getLong(),
                        b.getLong(), b.getInt(), b.getInt(), CodecSet.decode(b), readSyncReports(b));
            } catch (RuntimeException e) {
                throw new ProtocolException("malformed HELLO: " + e);
            }
        }
    }

    /**
     * The secondary's answer.
     *
     * @param fresh  the secondary had never been paired before this handshake
     * @param bitmap the secondary's on-disk activemap, whose extents the primary must copy too
     * @param codecs what the secondary can decode (the primary's writes)
     * @param syncReports the secondary keeps its consistency on disk and wants each synchronisation's
     *               progress and end reported (only asked of a primary whose HELLO offers it)
     */
    public record Welcome(SyncDecision decision, boolean fresh, long resuid, long localcnt, long remotecnt, long datasize,
            int extentsize, byte[] bitmap, CodecSet codecs, boolean syncReports) {

        public ByteBuffer encode() {
            ByteBuffer set = codecs.encode();
            ByteBuffer b = ByteBuffer.allocate(2 + 8 * 4 + 4 + 4 + bitmap.length + set.remaining() + 1)
                    .put((byte) decision.code()).put((byte) (fresh ? 1 : 0)).putLong(resuid)
                    .putLong(localcnt).putLong(remotecnt).putLong(datasize).putInt(extentsize).putInt(bitmap.length)
                    .put(bitmap).put(set);
            return features(b, syncReports).flip();
        }

        public static Welcome decode(ByteBuffer b) throws ProtocolException {
            try {
                int d = b.get();
                SyncDecision decision = SyncDecision.of(d);
                if (decision == null) {
                    throw new ProtocolException("unknown synchronisation decision " + d);
                }
                boolean fresh = b.get() != 0;
                long resuid = b.getLong();
                long l = b.getLong();
                long r = b.getLong();
                long datasize = b.getLong();
                int extentsize = b.getInt();
                int mapsize = b.getInt();
                // Checked before the allocation: a forged size must not cost more than the frame itself.
                if (mapsize < 0 || mapsize > b.remaining()) {
                    throw new ProtocolException("malformed WELCOME: an activemap of " + Integer.toUnsignedString(mapsize)
                            + " bytes announced, " + b.remaining() + " bytes left in the frame");
                }
                byte[] bitmap = new byte[mapsize];
                b.get(bitmap);
                return new Welcome(decision, fresh, resuid, l, r, datasize, extentsize, bitmap, CodecSet.decode(b),
                        readSyncReports(b));
            } catch (RuntimeException e) {
                throw new ProtocolException("malformed WELCOME: " + e);
            }
        }
    }
}
