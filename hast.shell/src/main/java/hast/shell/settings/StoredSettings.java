package hast.shell.settings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.EngineConfiguration;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The engine's configurations in Configuration Admin, as an operator names them: {@code hast.node}
 * for the node's, a resource's name for its own. Changes go to Configuration Admin, where the
 * engine sees them as a reload; none is made to configurations that hastd writes from hast.conf.
 */
public final class StoredSettings {
    /** The name an operator gives the node's configuration. */
    public static final String NODE = EngineConfiguration.NODE_PID;

    private final ConfigurationAdmin configurations;

    public StoredSettings(ConfigurationAdmin configurations) {
        this.configurations = configurations;
    }

    /**
     * One configuration.
     *
     * @param name       {@link #NODE} or the resource's name
     * @param properties its properties, the framework's dotted ones left out
     */
    public record Stored(String pid, String name, Map<String, Object> properties) {
        public boolean isNode() {
            return pid.equals(EngineConfiguration.NODE_PID);
        }
    }

    /** The node's configuration (when there is one), then each resource's in the order hastctl lists them. */
    public List<Stored> all() throws HastException {
        List<Stored> all = new ArrayList<>();
        Optional<Stored> node = list("(" + Constants.SERVICE_PID + "=" + EngineConfiguration.NODE_PID + ")").stream()
                .findFirst();
        node.ifPresent(all::add);
        List<String> order = node.map(n -> strings(n.properties().get(EngineConfiguration.ORDER))).orElse(List.of());
        List<Stored> resources = list("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                + EngineConfiguration.RESOURCE_FACTORY_PID + ")");
        resources.sort(Comparator.comparingInt((Stored r) -> order.contains(r.name()) ? order.indexOf(r.name())
                : order.size()).thenComparing(Stored::name));
        all.addAll(resources);
        return all;
    }

    /**
     * The configurations of those names, in that order.
     *
     * @throws HastException naming one that is not there, and those that are
     */
    public List<Stored> named(List<String> names) throws HastException {
        List<Stored> all = all();
        List<Stored> found = new ArrayList<>();
        for (String name : names) {
            found.add(all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new HastException(
                    Sysexits.EX_USAGE, "No configuration " + name + " (there are: " + String.join(", ",
                            all.stream().map(Stored::name).toList()) + ")")));
        }
        return found;
    }

    /**
     * The file hastd translated these configurations from: it writes them all again from it at
     * each reload (and SIGHUP), which would undo a change made here.
     */
    public Optional<String> source() throws HastException {
        return all().stream().filter(Stored::isNode).findFirst()
                .map(n -> n.properties().get(EngineConfiguration.FILE)).map(Object::toString);
    }

    /**
     * Gives a keyword of one configuration a value, or removes it.
     *
     * @param value a String or String[], or {@code null} to remove the keyword (its default then applies)
     * @throws HastException when the configurations come from hast.conf ({@link #source}), or
     *                       Configuration Admin cannot store the change
     */
    public void set(Stored target, String keyword, Object value) throws HastException {
        Optional<String> file = source();
        if (file.isPresent()) {
            throw new HastException(Sysexits.EX_CONFIG, target.pid() + " is written from " + file.get()
                    + " by hastd, again at each reload, which would undo this change: edit that file, then run"
                    + " hastctl reload (hastctl:reload here).");
        }
        try {
            Configuration c = configurations.getConfiguration(target.pid(), "?");
            Dictionary<String, Object> properties = c.getProperties();
            if (value == null) {
                properties.remove(keyword);
            } else {
                properties.put(keyword, value);
            }
            c.update(properties);
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_IOERR, "Unable to store " + target.pid() + ": " + e.getMessage(), e);
        }
    }

    private List<Stored> list(String filter) throws HastException {
        try {
            Configuration[] found = configurations.listConfigurations(filter);
            List<Stored> stored = new ArrayList<>();
            for (Configuration c : found == null ? new Configuration[0] : found) {
                Map<String, Object> properties = new LinkedHashMap<>();
                Dictionary<String, Object> d = c.getProperties();
                for (String key : new TreeSet<>(Collections.list(d.keys()))) {
                    if (!key.contains(".")) {
                        properties.put(key, d.get(key));
                    }
                }
                String name = c.getFactoryPid() == null ? NODE
                        : String.valueOf(properties.get(EngineConfiguration.RESOURCE));
                stored.add(new Stored(c.getPid(), name, properties));
            }
            return stored;
        } catch (IOException | InvalidSyntaxException e) {
            throw new HastException(Sysexits.EX_IOERR, "Unable to read the configurations: " + e.getMessage(), e);
        }
    }

    /** A property's values as text: one for a single value, each of an array or collection. */
    public static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(String::valueOf).toList();
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
