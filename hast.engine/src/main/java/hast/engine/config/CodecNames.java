package hast.engine.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The codec names of hast.conf's {@code checksum} and {@code compression}. The parser takes any
 * well-formed name, since codec bundles bring names of their own at run time; whether a name
 * names a codec is the running node's question ({@link #check}), asked when a configuration is
 * loaded. The reference's names are always accepted there: their bundles may be stopped for an
 * update, and data then goes uncompressed (or replication pauses) until they are back.
 */
public enum CodecNames {
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

    /**
     * Checks the names a resource's configuration gives against what this node has.
     *
     * @param available the compressions or checksums registered now, built-in ones included
     * @return {@code null} when the name is the reference's or available, else the problem
     */
    public String check(String name, Set<String> available) {
        if (known.contains(name) || available.contains(name)) {
            return null;
        }
        Set<String> all = new TreeSet<>(known);
        all.addAll(available);
        return "Unknown " + keyword + " '" + name + "' (known here: " + String.join(", ", all) + ")";
    }
}
