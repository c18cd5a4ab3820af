package hast.engine.config;

import static hast.api.control.EngineConfiguration.FILE;
import static hast.api.control.EngineConfiguration.NODE_PID;
import static hast.api.control.EngineConfiguration.ORDER;
import static hast.api.control.EngineConfiguration.RESOURCE;
import static hast.api.control.EngineConfiguration.RESOURCE_FACTORY_PID;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import hast.api.control.EngineConfiguration;

/**
 * hast.conf resolved for one node, keyword by keyword, as Configuration Admin holds it: one
 * configuration for the node ({@link EngineConfiguration#NODE_PID}) and one factory configuration
 * per resource ({@link EngineConfiguration#RESOURCE_FACTORY_PID}), their property names the keywords
 * of hast.conf and their values as hast.conf writes them. hastd translates its file into them; the engine builds its
 * configuration from them, with the same checks as the file's (README, "The engine in another
 * OSGi framework").
 */
public final class Settings {
    /** A resource's keywords: those of a resource block and of its {@code on} sections. */
    private static final Set<String> RESOURCE_KEYWORDS = resourceKeywords();

    private final Path file;
    private final String source;
    private final ConfigAssembler.Resolved resolved;
    /** Each resource's own configuration, to name in its errors; empty when the settings come from a file. */
    private final Map<String, String> origins;

    Settings(Path file, String source, ConfigAssembler.Resolved resolved) {
        this(file, source, resolved, Map.of());
    }

    private Settings(Path file, String source, ConfigAssembler.Resolved resolved, Map<String, String> origins) {
        this.file = file;
        this.source = source;
        this.resolved = resolved;
        this.origins = origins;
    }

    /**
     * The settings Configuration Admin holds.
     *
     * @param node      the node configuration's properties
     * @param resources each resource configuration's properties
     * @throws ConfigException naming a property that is no setting, or a resource without a name
     */
    public static Settings of(Map<String, ?> node, List<? extends Map<String, ?>> resources) throws ConfigException {
        String source = "configuration " + NODE_PID;
        Section nodeSection = section(node, Set.copyOf(ConfigAssembler.Resolved.NODE_KEYWORDS), Set.of(FILE, ORDER),
                source);
        List<String> order = node.get(ORDER) == null ? List.of() : values(node.get(ORDER));
        List<ConfigAssembler.ResourceBlock> blocks = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (Map<String, ?> properties : resources) {
            Object name = properties.get(RESOURCE);
            Object pid = properties.get("service.pid");
            String where = "configuration " + (pid != null ? pid : RESOURCE_FACTORY_PID);
            if (name == null || name.toString().isEmpty()) {
                throw new ConfigException(where, 0, "no '" + RESOURCE + "' property (the resource's name).");
            }
            String origin = where + " (resource " + name + ")";
            blocks.add(new ConfigAssembler.ResourceBlock(name.toString(), 0,
                    section(properties, RESOURCE_KEYWORDS, Set.of(RESOURCE), origin)));
            origins.put(name.toString(), origin);
        }
        // Configuration Admin keeps no order: the node's list gives it, the rest follow by name.
        blocks.sort(Comparator.comparingInt((ConfigAssembler.ResourceBlock b) -> {
            int at = order.indexOf(b.name());
            return at < 0 ? order.size() : at;
        }).thenComparing(ConfigAssembler.ResourceBlock::name));
        Object file = node.get(FILE);
        return new Settings(Path.of(file != null ? file.toString() : NODE_PID), source,
                new ConfigAssembler.Resolved(nodeSection, blocks), origins);
    }

    /**
     * The configuration these settings make, every setting checked as in the file. A resource's
     * own configuration is checked alone first, so that its errors name it.
     */
    public HastConfig config() throws ConfigException {
        for (ConfigAssembler.ResourceBlock block : resolved.resources()) {
            String origin = origins.get(block.name());
            if (origin != null) {
                new ConfigAssembler(origin).build(file, new ConfigAssembler.Resolved(new Section(), List.of(block)));
            }
        }
        return new ConfigAssembler(source).build(file, resolved);
    }

    /** The node configuration's properties: lists ({@code listen}) as arrays, every other value a string. */
    public Map<String, Object> nodeProperties() {
        Map<String, Object> properties = properties(resolved.node());
        properties.put(FILE, file.toString());
        properties.put(ORDER, resolved.resources().stream().map(ConfigAssembler.ResourceBlock::name)
                .toArray(String[]::new));
        return properties;
    }

    /** Each resource configuration's properties, in file order, keyed by the resource's name. */
    public Map<String, Map<String, Object>> resourceProperties() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        for (ConfigAssembler.ResourceBlock block : resolved.resources()) {
            Map<String, Object> properties = properties(block.block());
            properties.put(RESOURCE, block.name());
            all.put(block.name(), properties);
        }
        return all;
    }

    private static Map<String, Object> properties(Section section) {
        Map<String, Object> properties = new LinkedHashMap<>();
        section.settings().forEach((keyword, setting) -> properties.put(keyword,
                keyword.equals("export-allow") ? setting.value().split(" ") : setting.value()));
        if (!section.listen().isEmpty()) {
            properties.put("listen", section.listen().stream().map(Section.Setting::value).toArray(String[]::new));
        }
        return properties;
    }

    /**
     * A section of the settings among {@code properties}: one of {@code keywords}, or one of
     * {@code own}, or a property of the framework's (a dotted name, as {@code service.pid}).
     */
    private static Section section(Map<String, ?> properties, Set<String> keywords, Set<String> own, String where)
            throws ConfigException {
        Section section = new Section();
        for (Map.Entry<String, ?> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey();
            if (own.contains(key) || key.contains(".")) {
                continue;
            }
            if (!keywords.contains(key)) {
                throw new ConfigException(where, 0, "unknown setting '" + key + "' (expected one of "
                        + String.join(", ", new TreeSet<>(keywords)) + ").");
            }
            List<String> values = values(e.getValue());
            if (key.equals("listen")) {
                for (String v : values) {
                    section.set(key, new Section.Setting(v, 0), where);
                }
            } else if (!values.isEmpty()) {
                section.set(key, new Section.Setting(String.join(" ", values), 0), where);
            }
        }
        return section;
    }

    /** A property's values as hast.conf writes them: a switch as {@code on}/{@code off}, a list element by element. */
    private static List<String> values(Object value) {
        List<String> values = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> values.add(text(v)));
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                values.add(text(Array.get(value, i)));
            }
        } else if (value != null) {
            values.add(text(value));
        }
        return values;
    }

    private static String text(Object value) {
        return value instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(value);
    }

    private static Set<String> resourceKeywords() {
        Set<String> keywords = new TreeSet<>();
        for (Level level : List.of(Level.RESOURCE, Level.RESOURCE_NODE)) {
            keywords.addAll(level.accepted());
        }
        keywords.remove("on");
        return Set.copyOf(keywords);
    }
}
