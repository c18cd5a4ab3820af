package hast.engine.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The four kinds of block in hast.conf and the keywords each accepts: the reference's placement
 * table plus ours: {@code export} with {@code export-insecure}, {@code export-tls},
 * {@code export-tls-verify} and {@code export-allow}, {@code shared-secret}, {@code auth-alg},
 * {@code link-tls} and {@code link-tls-peer}, which every level accepts,
 * {@code direct} where {@code metaflush} goes (it is a property of the local component too), and
 * {@code user} and {@code metrics-listen} where {@code pidfile} goes (they belong to the daemon), and
 * the synchronisation's pace ({@code syncrate}, {@code sync-latency-target}, {@code sync-min-rate},
 * {@code sync-max-rate}) where {@code replication} goes.
 */
enum Level {
    GLOBAL("the global section", Set.of("control", "pidfile", "listen", "replication", "checksum", "compression",
            "timeout", "exec", "metaflush", "export", "export-insecure", "export-tls", "export-tls-verify",
            "export-allow", "on", "resource", "direct", "user", "shared-secret", "auth-alg", "link-tls",
            "link-tls-peer", "metrics-listen", "syncrate", "sync-latency-target", "sync-min-rate",
            "sync-max-rate")),
    GLOBAL_NODE("a global 'on <node>' section", Set.of("control", "pidfile", "listen", "export", "export-insecure",
            "export-tls", "export-tls-verify", "export-allow", "user", "shared-secret", "auth-alg", "link-tls",
            "link-tls-peer", "metrics-listen")),
    RESOURCE("a resource block", Set.of("replication", "checksum", "compression", "timeout", "exec", "metaflush",
            "name", "local", "export", "export-insecure", "export-tls", "export-tls-verify", "export-allow", "on",
            "direct", "shared-secret", "auth-alg", "link-tls", "link-tls-peer", "syncrate", "sync-latency-target", "sync-min-rate", "sync-max-rate")),
    RESOURCE_NODE("a resource's 'on <node>' section", Set.of("name", "local", "remote", "source", "metaflush",
            "export", "export-insecure", "export-tls", "export-tls-verify", "export-allow", "direct", "shared-secret",
            "auth-alg", "link-tls", "link-tls-peer"));

    private final String description;
    private final Set<String> keywords;

    Level(String description, Set<String> keywords) {
        this.description = description;
        this.keywords = keywords;
    }

    /** Every keyword of the grammar, wherever it may stand. */
    static SortedSet<String> keywords() {
        SortedSet<String> all = new TreeSet<>();
        for (Level l : values()) {
            all.addAll(l.keywords);
        }
        return Collections.unmodifiableSortedSet(all);
    }

    String description() {
        return description;
    }

    /** The keywords this level accepts. */
    Set<String> accepted() {
        return keywords;
    }

    boolean allows(String keyword) {
        return keywords.contains(keyword);
    }

    /** The level of an {@code on <node>} section opened inside this one. */
    Level nodeSection() {
        return switch (this) {
            case GLOBAL -> GLOBAL_NODE;
            case RESOURCE -> RESOURCE_NODE;
            case GLOBAL_NODE, RESOURCE_NODE -> throw new IllegalStateException(this + " holds no 'on' sections");
        };
    }

    /**
     * Why {@code keyword}, a keyword of the grammar, cannot stand here, saying where it may: an
     * admin who put {@code remote} in a resource block learns to move it into {@code on <node>}.
     */
    String misplaced(String keyword) {
        List<Level> homes = new ArrayList<>();
        for (Level l : values()) {
            if (l.allows(keyword)) {
                homes.add(l);
            }
        }
        String problem = "unexpected '" + keyword + "' in " + description;
        if (homes.isEmpty()) {
            return problem + " (expected a keyword)";
        }
        if (homes.size() == 1 && allows("on") && homes.get(0) == nodeSection()) {
            return problem + " (allowed only inside 'on <node>')";
        }
        return problem + " (allowed only in " + String.join(" or ", homes.stream().map(Level::description).toList())
                + ")";
    }
}
