package hast.engine.codec;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.codec.Checksum;
import hast.api.codec.Compressor;
import hast.engine.local.Zeroes;

/**
 * How the data of one resource's frames travels: compressed and checksummed as the sender's
 * configuration asks, as far as both nodes can. The block names what was applied, so that the
 * receiver decodes each frame on its own, whatever its own configuration. On the wire:
 *
 * <pre>
 * u8 n, the compression's name (n bytes; n = 0 for none)
 * u8 n, the checksum's name (n = 0 for none)
 * u8 n, the digest of the data that follows
 * u32 the decoded length
 * the data
 * </pre>
 *
 * The digest covers the bytes as sent, compressed, as in the reference: the receiver checks it
 * before it decompresses anything. Data with neither compression nor checksum applied travels as
 * it is, without the block.
 */
public final class PayloadCodec {
    private static final Logger LOG = Logger.getLogger(PayloadCodec.class.getName());
    private static final int LARGEST = 1 << 20;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** Bytes a compressor tries first on a large payload, to learn whether the whole is worth a pass. */
    static final int SAMPLE = 8192;

    /** The configured checksum cannot be applied; sending the data unverified is not an option. */
    public static final class ChecksumUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        ChecksumUnavailableException(String message) {
            super(message);
        }
    }

    /** The data did not arrive intact: its digest differs, or it does not decode. */
    public static final class DamagedPayloadException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedPayloadException(String message) {
            super(message);
        }
    }

    /** A frame's payload as it goes on the wire; {@code encoded} false when it is the data itself. */
    public record Encoded(ByteBuffer payload, boolean encoded) {
    }

    private final String resource;
    private final Codecs codecs;
    private final Supplier<CodecChoice> choice;
    private final LongAdder plainBytes = new LongAdder();
    private final LongAdder wireBytes = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder damaged = new LongAdder();
    /** Why data goes uncompressed against the configuration, or {@code null}. */
    private volatile String fallback;

    /** @param choice the resource's configured codecs, as reloads change them: each payload takes the current ones */
    public PayloadCodec(String resource, Codecs codecs, Supplier<CodecChoice> choice) {
        this.resource = resource;
        this.codecs = codecs;
        this.choice = choice;
    }

    /**
     * Why no data can be sent to that peer now, or {@code null}: the configured checksum is
     * missing on this node or on the peer ({@code null}: not known yet), and sending data
     * unverified is not an option.
     */
    public String blocker(CodecSet peer) {
        String checksum = choice.get().checksum();
        if (Codecs.NONE.equals(checksum)) {
            return null;
        }
        if (codecs.checksum(checksum) == null) {
            return "checksum " + checksum + " is not available on this node";
        }
        if (peer != null && !peer.checksums().contains(checksum)) {
            return "checksum " + checksum + " is not available on the peer";
        }
        return null;
    }

    /** The digest of stored data under {@code checksum}, as {@link Digests} takes it. */
    public byte[] digest(String checksum, ByteBuffer data) throws IOException {
        return Digests.digest(codecs, checksum, data);
    }

    /** What this node can decode, as its peer is told. */
    public CodecSet decodable() {
        return codecs.decodable();
    }

    /** Runs {@code listener} whenever a codec bundle comes or goes, until {@link #ignore}. */
    public void watch(Runnable listener) {
        codecs.watch(listener);
    }

    public void ignore(Runnable listener) {
        codecs.ignore(listener);
    }

    /**
     * Encodes {@code data} (which is left as it is) with the configured compression and checksum.
     * A compressor that this node or the peer lacks is skipped, with a warning and a count; a
     * checksum either lacks is an error.
     */
    public Encoded encode(ByteBuffer data, CodecSet peer) throws ChecksumUnavailableException {
        CodecChoice configured = choice.get();
        String compression = configured.compression();
        String checksum = configured.checksum();
        String blocked = blocker(peer);
        if (blocked != null) {
            throw new ChecksumUnavailableException(blocked);
        }
        Checksum sum = Codecs.NONE.equals(checksum) ? null : codecs.checksum(checksum);
        int length = data.remaining();
        String applied = Codecs.NONE;
        ByteBuffer body = data.duplicate();
        if (!Codecs.NONE.equals(compression)) {
            if (isZero(data) && peer.compressions().contains(Codecs.HOLE)) {
                applied = Codecs.HOLE;
                body = EMPTY;
            } else if (!Codecs.HOLE.equals(compression)) {
                ByteBuffer compressed = compress(data, compression, peer);
                if (compressed != null) {
                    applied = compression;
                    body = compressed;
                }
            }
        }
        plainBytes.add(length);
        if (applied.equals(Codecs.NONE) && sum == null) {
            wireBytes.add(length);
            return new Encoded(data, false);
        }
        byte[] digest = sum == null ? new byte[0] : sum.digest(body);
        byte[] c = name(applied);
        byte[] h = name(checksum);
        ByteBuffer out = ByteBuffer.allocate(3 + c.length + h.length + digest.length + 4 + body.remaining());
        out.put((byte) c.length).put(c).put((byte) h.length).put(h).put((byte) digest.length).put(digest)
                .putInt(length).put(body.duplicate());
        wireBytes.add(out.position());
        return new Encoded(out.flip(), true);
    }

    /** The compressed data, or {@code null} when it goes as it is (not worth it, or the compressor is missing). */
    private ByteBuffer compress(ByteBuffer data, String compression, CodecSet peer) {
        Compressor compressor = codecs.compressor(compression);
        String missing = compressor == null ? "not available on this node"
                : !peer.compressions().contains(compression) ? "not available on the peer" : null;
        if (missing != null) {
            fallbacks.increment();
            String why = "compression " + compression + " is " + missing + "; data goes uncompressed";
            if (!why.equals(fallback)) {
                fallback = why;
                LOG.warning(() -> "[" + resource + "] " + why + ".");
            }
            return null;
        }
        if (fallback != null) {
            fallback = null;
            LOG.info(() -> "[" + resource + "] compression " + compression + " is available again.");
        }
        if (data.remaining() > 2 * SAMPLE && compressor.compress(data.duplicate().limit(data.position() + SAMPLE)) == null) {
            // Data that does not compress costs a compressor a full pass (lzf manages some 100 MB/s
            // on random bytes, ten times slower than the wire): a sample that the compressor itself
            // declines stands for the rest.
            return null;
        }
        return compressor.compress(data);
    }

    /**
     * Decodes a payload made by {@link #encode}.
     *
     * @param length the request's length, which the decoded data must have
     * @param what   the request, for messages (e.g. {@code WRITE at 4096})
     * @throws DamagedPayloadException when the digest differs or the data does not decode (counted
     *                                 and logged with the resource and the request)
     * @throws IOException             when this node cannot verify or decode what was applied
     */
    public ByteBuffer decode(ByteBuffer wire, long length, String what) throws IOException {
        ByteBuffer b = wire.duplicate();
        String compression;
        String checksum;
        byte[] digest;
        int decoded;
        try {
            compression = nameAt(b);
            checksum = nameAt(b);
            digest = new byte[Byte.toUnsignedInt(b.get())];
            b.get(digest);
            decoded = b.getInt();
        } catch (BufferUnderflowException e) {
            throw damaged(what, "its encoding block is cut short");
        }
        if (decoded != length || decoded < 0 || decoded > LARGEST) {
            throw damaged(what, "it announces " + Integer.toUnsignedString(decoded) + " bytes for a request of " + length);
        }
        ByteBuffer body = b.slice();
        if (!checksum.isEmpty()) {
            Checksum sum = codecs.checksum(checksum);
            if (sum == null) {
                throw new IOException("[" + resource + "] " + what + ": checksum " + checksum
                        + " is not available on this node, the data cannot be verified");
            }
            if (!Arrays.equals(digest, sum.digest(body))) {
                throw damaged(what, "its " + checksum + " digest does not match");
            }
        }
        return decompress(body, compression, decoded, what);
    }

    private ByteBuffer decompress(ByteBuffer body, String compression, int length, String what) throws IOException {
        if (compression.isEmpty()) {
            if (body.remaining() != length) {
                throw damaged(what, "it holds " + body.remaining() + " bytes for " + length);
            }
            return body;
        }
        if (compression.equals(Codecs.HOLE)) {
            if (body.hasRemaining()) {
                throw damaged(what, "a hole carries " + body.remaining() + " bytes");
            }
            // A view of the shared zeroes, read-only: a fresh buffer per hole cost the heap a
            // zeroed megabyte per chunk of an initial synchronisation of an empty disk.
            return Zeroes.view(length);
        }
        Compressor compressor = codecs.compressor(compression);
        if (compressor == null) {
            throw new IOException("[" + resource + "] " + what + ": compression " + compression
                    + " is not available on this node");
        }
        ByteBuffer plain;
        try {
            plain = compressor.decompress(body, length);
        } catch (IOException | RuntimeException e) {
            throw damaged(what, compression + " data does not decode (" + e.getMessage() + ")");
        }
        if (plain.remaining() != length) {
            throw damaged(what, compression + " data decodes to " + plain.remaining() + " bytes for " + length);
        }
        return plain;
    }

    private DamagedPayloadException damaged(String what, String why) {
        damaged.increment();
        String message = "[" + resource + "] " + what + " arrived damaged: " + why + "; not used.";
        LOG.warning(message);
        return new DamagedPayloadException(message);
    }

    /** Bytes of data encoded so far, before compression. */
    public long plainBytes() {
        return plainBytes.sum();
    }

    /** What those bytes took on the wire. */
    public long wireBytes() {
        return wireBytes.sum();
    }

    /** Payloads sent uncompressed because the configured compressor was missing here or on the peer. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    /** Payloads received damaged: a digest that differs, or data that does not decode. */
    public long damaged() {
        return damaged.sum();
    }

    /** Why data goes uncompressed against the configuration right now, or {@code null}. */
    public String fallback() {
        return fallback;
    }

    private static boolean isZero(ByteBuffer data) {
        return data.remaining() <= Zeroes.BYTES && data.duplicate().mismatch(Zeroes.view(data.remaining())) < 0;
    }

    private static byte[] name(String codec) {
        return Codecs.NONE.equals(codec) ? new byte[0] : codec.getBytes(StandardCharsets.US_ASCII);
    }

    private static String nameAt(ByteBuffer b) {
        byte[] name = new byte[Byte.toUnsignedInt(b.get())];
        b.get(name);
        return new String(name, StandardCharsets.US_ASCII);
    }
}
