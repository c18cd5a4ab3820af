package hast.engine.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The plug-in names of hast.conf's {@code checksum}, {@code compression} and {@code replication}.
 * The parser takes any well-formed name, since codec and mode bundles bring names of their own at
 * run time; whether a name names a plug-in is the running node's question ({@link #check}), asked
 * when a configuration is loaded. The reference's names are always accepted there: their bundles
 * may be stopped for an update, and data then goes uncompressed (or replication pauses, or a
 * primary refuses writes) until they are back.
 */
public enum CodecNames {
    CHECKSUM("checksum", "none", List.of("none", "crc32", "sha256"), "[a-z0-9_-]+"),
    COMPRESSION("compression", "hole", List.of("none", "hole", "lzf"), "[a-z0-9_-]+"),
    /** memsync by default, as on FreeBSD; a mode's name may use every character a hast.conf value may. */
    REPLICATION("replication mode", "memsync", List.of("fullsync", "memsync", "async"), "[A-Za-z0-9._/:\\[\\]-]+");

    private final String keyword;
    private final String defaultName;
    private final List<String> known;
    private final Pattern wellFormed;

    CodecNames(String keyword, String defaultName, List<String> known, String wellFormed) {
        this.keyword = keyword;
        this.defaultName = defaultName;
        this.known = known;
        this.wellFormed = Pattern.compile(wellFormed);
    }

    /** The codec used when the file names none (the reference's default). */
    String defaultName() {
        return defaultName;
    }

    boolean isWellFormed(String name) {
        return wellFormed.matcher(name).matches();
    }

    /**
     * Whether the name is one of the reference's, which hast.jar's own bundles register and which
     * need no bundle to be accepted (see the class comment).
     */
    public boolean isReference(String name) {
        return known.contains(name);
    }

    /**
     * Checks the names a resource's configuration gives against what this node has.
     *
     * @param available the compressions, checksums or modes registered now, built-in ones included
     * @return {@code null} when the name is the reference's or available, else the problem
     */
    public String check(String name, Set<String> available) {
        if (isReference(name) || available.contains(name)) {
            return null;
        }
        Set<String> all = new TreeSet<>(known);
        all.addAll(available);
        return "Unknown " + keyword + " '" + name + "' (known here: " + String.join(", ", all) + ")";
    }
}
