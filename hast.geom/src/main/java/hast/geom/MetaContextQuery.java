package hast.geom;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of LIST_META_CONTEXT and SET_META_CONTEXT: an export name and the queries for its
 * metadata contexts, of which this server knows one, {@code base:allocation}.
 *
 * @param export  the export the contexts are for
 * @param queries context names, or namespaces ({@code base:}) for LIST; none asks LIST for all
 */
record MetaContextQuery(String export, List<String> queries) {

    /** A payload that does not parse; the message says why, for NBD_REP_ERR_INVALID. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    static MetaContextQuery parse(ByteBuffer data) throws Invalid {
        String export = string(data, "export name");
        if (data.remaining() < 4) {
            throw new Invalid("the number of queries is missing");
        }
        long count = Integer.toUnsignedLong(data.getInt());
        // Each query takes at least its 4-byte length: a count beyond that is a lie, not a list to allocate.
        if (count > data.remaining() / 4) {
            throw new Invalid(count + " queries announced in " + data.remaining() + " bytes");
        }
        List<String> queries = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            queries.add(string(data, "query"));
        }
        if (data.hasRemaining()) {
            throw new Invalid(data.remaining() + " bytes after the queries");
        }
        return new MetaContextQuery(export, queries);
    }

    /** The contexts LIST answers: every one for no query, those of a namespace, or one named. */
    List<String> listed() {
        return queries.isEmpty() || queries.contains("base:") || queries.contains(Nbd.BASE_ALLOCATION)
                ? List.of(Nbd.BASE_ALLOCATION) : List.of();
    }

    /** Whether SET selects {@code base:allocation}: only by its full name, as the protocol says. */
    boolean selectsAllocation() {
        return queries.contains(Nbd.BASE_ALLOCATION);
    }

    private static String string(ByteBuffer data, String what) throws Invalid {
        if (data.remaining() < 4) {
            throw new Invalid("the length of the " + what + " is missing");
        }
        int length = data.getInt();
        if (length < 0 || length > Nbd.MAX_STRING || length > data.remaining()) {
            throw new Invalid("bad " + what + " length " + Integer.toUnsignedString(length));
        }
        byte[] bytes = new byte[length];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
