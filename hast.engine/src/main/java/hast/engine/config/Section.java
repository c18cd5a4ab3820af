package hast.engine.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The settings written in one block of hast.conf, each with the line it came from. */
final class Section {

    /** A value and where it was written. */
    record Setting(String value, int line) {
    }

    /** A nested {@code on <node> { ... }} block. */
    record NodeSection(String node, int line, Section settings) {
    }

    private final Map<String, Setting> values = new LinkedHashMap<>();
    private final List<Setting> listen = new ArrayList<>();
    private final List<NodeSection> nodes = new ArrayList<>();

    /**
     * Records a setting; {@code listen} may repeat, anything else set twice in one block is an
     * error rather than a silent "last one wins".
     */
    void set(String keyword, Setting setting, String file) throws ConfigException {
        if (keyword.equals("listen")) {
            listen.add(setting);
            return;
        }
        Setting earlier = values.putIfAbsent(keyword, setting);
        if (earlier != null) {
            throw new ConfigException(file, setting.line(),
                    "'" + keyword + "' is set twice in the same block (first on line " + earlier.line() + ")");
        }
    }

    /**
     * Adds the settings of {@code node}, one of several {@code on} sections naming this node (say,
     * by short and by full hostname). They add up; a setting that two of them give is refused
     * rather than resolved by order.
     */
    void absorb(NodeSection node, String file) throws ConfigException {
        for (Map.Entry<String, Setting> e : node.settings().values.entrySet()) {
            Setting earlier = values.putIfAbsent(e.getKey(), e.getValue());
            if (earlier != null) {
                throw new ConfigException(file, e.getValue().line(), "'" + e.getKey() + "' for this node is set in"
                        + " two 'on' sections naming it (first on line " + earlier.line() + ")");
            }
        }
        listen.addAll(node.settings().listen);
    }

    Optional<Setting> get(String keyword) {
        return Optional.ofNullable(values.get(keyword));
    }

    /** Every setting but {@code listen}, in the order they were set. */
    Map<String, Setting> settings() {
        return Collections.unmodifiableMap(values);
    }

    List<Setting> listen() {
        return Collections.unmodifiableList(listen);
    }

    void addNode(NodeSection node) {
        nodes.add(node);
    }

    List<NodeSection> nodes() {
        return Collections.unmodifiableList(nodes);
    }
}
