package hast.engine.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The codec names hast.conf accepts for {@code checksum} and {@code compression}. The grammar takes
 * any well-formed name so that codec bundles can add names later; the known names live here only,
 * and opening the list up means changing {@link #isKnown} alone.
 */
enum CodecNames {
    CHECKSUM("checksum", "none", List.of("none", "crc32", "sha256")),
    COMPRESSION("compression", "hole", List.of("none", "hole", "lzf"));

    private static final Pattern WELL_FORMED = Pattern.compile("[a-z0-9_-]+");

    private final String keyword;
    private final String defaultName;
    private final List<String> known;

    CodecNames(String keyword, String defaultName, List<String> known) {
        this.keyword = keyword;
        this.defaultName = defaultName;
        this.known = known;
    }

    /** The codec used when the file names none (the reference's default). */
    String defaultName() {
        return defaultName;
    }

    static boolean isWellFormed(String name) {
        return WELL_FORMED.matcher(name).matches();
    }

    boolean isKnown(String name) {
        return known.contains(name);
    }

    /** The message for a name that is well formed but names no codec. */
    String unknown(String name) {
        return "Unknown " + keyword + " '" + name + "' (known: " + String.join(", ", known) + ")";
    }
}
