package hast.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import hast.api.HastAddress;
import hast.api.HastAddress.Scheme;

/**
 * Resolves a parsed hast.conf for this node: picks the {@code on} sections naming it, applies
 * precedence (resource node section over resource block over global node section over global
 * settings over defaults) and checks what the grammar cannot.
 */
final class ConfigAssembler {
    static final String DEFAULT_CONTROL = "uds:///var/run/hastctl";
    static final String DEFAULT_PIDFILE = "/var/run/hastd.pid";
    static final String DEFAULT_LISTEN = "tcp4://0.0.0.0:8457";
    static final String DEFAULT_EXPORT = "tcp://127.0.0.1:10809";
    static final int DEFAULT_TIMEOUT = 20;
    /** The codec names known today; codec bundles may add more later. */
    static final List<String> CHECKSUMS = List.of("none", "crc32", "sha256");
    static final List<String> COMPRESSIONS = List.of("none", "hole", "lzf");
    private static final int MAX_ADDRESS = 1023;
    private static final int MAX_PATH = 4095;
    private static final int MAX_NAME = 254;

    /** A {@code resource} block as written. */
    record ResourceBlock(String name, int line, Section block) {
    }

    private final NodeIdentity node;
    private final String file;

    ConfigAssembler(NodeIdentity node, String file) {
        this.node = node;
        this.file = file;
    }

    HastConfig assemble(Path path, Section global, List<ResourceBlock> blocks) throws ConfigException {
        Section mine = merged(global.nodes());
        HastAddress control = address(first(mine, global, "control"), DEFAULT_CONTROL, "control", Set.of(Scheme.UDS));
        String pidfile = text(first(mine, global, "pidfile"), "pidfile", MAX_PATH).orElse(DEFAULT_PIDFILE);
        List<HastAddress> listen = new ArrayList<>();
        List<Section.Setting> listens = new ArrayList<>(global.listen());
        listens.addAll(mine.listen());
        for (Section.Setting s : listens) {
            listen.add(address(Optional.of(s), null, "listen", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6)));
        }
        if (listen.isEmpty()) {
            listen.add(HastAddress.parse(DEFAULT_LISTEN));
        }
        Optional<Section.Setting> nodeExport = first(mine, global, "export");
        // Global defaults are checked even when no resource uses them yet, so a mistake shows at once.
        if (global.get("timeout").isPresent()) {
            timeoutSeconds(global.get("timeout").get());
        }
        codec(global.get("checksum"), "checksum", CHECKSUMS);
        codec(global.get("compression"), "compression", COMPRESSIONS);
        text(global.get("exec"), "exec", MAX_ADDRESS);
        address(nodeExport, DEFAULT_EXPORT, "export", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6, Scheme.UDS));

        List<ResourceConfig> resources = new ArrayList<>();
        Map<String, String> providers = new HashMap<>();
        Map<String, String> locals = new HashMap<>();
        for (ResourceBlock block : blocks) {
            ResourceConfig rc = resource(block, global, nodeExport);
            if (resources.stream().anyMatch(r -> r.name().equals(rc.name()))) {
                throw new ConfigException(file, block.line(), "Resource " + rc.name() + " configured more than once.");
            }
            unique(providers, rc.provname(), rc.name(), block.line(), "provider name");
            unique(locals, rc.local(), rc.name(), block.line(), "local path");
            resources.add(rc);
        }
        return new HastConfig(path, control, pidfile, listen, resources);
    }

    private ResourceConfig resource(ResourceBlock block, Section global, Optional<Section.Setting> nodeExport)
            throws ConfigException {
        String name = block.name();
        if (name.length() > MAX_NAME) {
            throw new ConfigException(file, block.line(), "Resource name is too long.");
        }
        List<Section.NodeSection> ons = block.block().nodes().stream().filter(n -> node.matches(n.node())).toList();
        if (ons.isEmpty()) {
            throw new ConfigException(file, block.line(), "No resource " + name
                    + " configuration for this node (acceptable node names: " + String.join(", ", node.names()) + ").");
        }
        Section res = block.block();
        Section on = merged(ons);
        String local = text(first(on, res, "local"), "local", MAX_PATH).orElseThrow(() ->
                new ConfigException(file, block.line(), "Path to local component not configured for resource " + name + "."));
        Section.Setting remote = on.get("remote").orElseThrow(() ->
                new ConfigException(file, block.line(), "Remote address not configured for resource " + name + "."));
        String remoteText = remote.value();
        if (!remoteText.equals(ResourceConfig.NO_REMOTE)) {
            remoteText = address(Optional.of(remote), null, "remote", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6)).toString();
        }
        String source = on.get("source").isPresent()
                ? address(on.get("source"), null, "source", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6)).toString() : null;
        Optional<Section.Setting> timeout = first(res, global, "timeout");
        int seconds = DEFAULT_TIMEOUT;
        if (timeout.isPresent()) {
            seconds = timeoutSeconds(timeout.get());
        }
        Optional<Section.Setting> export = first(on, res, "export").or(() -> nodeExport);
        return new ResourceConfig(name,
                text(first(on, res, "name"), "name", MAX_NAME).orElse(name),
                local, remoteText, source,
                Replication.parse(first(res, global, "replication").map(Section.Setting::value).orElse("memsync")),
                codec(first(res, global, "checksum"), "checksum", CHECKSUMS),
                codec(first(res, global, "compression"), "compression", COMPRESSIONS),
                seconds,
                text(first(res, global, "exec"), "exec", MAX_ADDRESS).orElse(""),
                first(on, res, "metaflush").or(() -> global.get("metaflush")).map(s -> s.value().equals("on")).orElse(true),
                address(export, DEFAULT_EXPORT, "export", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6, Scheme.UDS)));
    }

    private int timeoutSeconds(Section.Setting s) throws ConfigException {
        try {
            int t = Integer.parseInt(s.value());
            if (t > 0) {
                return t;
            }
        } catch (NumberFormatException tooLarge) {
            throw new ConfigException(file, s.line(), "timeout " + s.value() + " is too large.");
        }
        throw new ConfigException(file, s.line(), "Negative or zero timeout.");
    }

    private String codec(Optional<Section.Setting> s, String keyword, List<String> known) throws ConfigException {
        if (s.isEmpty()) {
            return keyword.equals("compression") ? "hole" : "none";
        }
        if (!known.contains(s.get().value())) {
            throw new ConfigException(file, s.get().line(), "Unknown " + keyword + " '" + s.get().value()
                    + "' (known: " + String.join(", ", known) + ")");
        }
        return s.get().value();
    }

    private HastAddress address(Optional<Section.Setting> s, String fallback, String keyword, Set<Scheme> schemes)
            throws ConfigException {
        if (s.isEmpty()) {
            return HastAddress.parse(fallback);
        }
        String text = text(s, keyword, MAX_ADDRESS).orElseThrow();
        HastAddress a;
        try {
            a = HastAddress.parse(text, keyword.equals("source") ? 0 : HastAddress.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, s.get().line(), keyword + ": " + e.getMessage());
        }
        if (!schemes.contains(a.scheme())) {
            throw new ConfigException(file, s.get().line(), keyword + " address '" + text + "' must be "
                    + (schemes.contains(Scheme.UDS) && schemes.size() == 1 ? "a Unix-domain socket (uds:///path)"
                            : "a TCP address (tcp://host:port)" + (schemes.contains(Scheme.UDS) ? " or a Unix-domain socket" : "")));
        }
        return a;
    }

    /** The value of a setting, refused when longer than the reference's buffer for it. */
    private Optional<String> text(Optional<Section.Setting> s, String keyword, int max) throws ConfigException {
        if (s.isPresent() && s.get().value().length() > max) {
            throw new ConfigException(file, s.get().line(),
                    keyword.equals("exec") ? "Exec path is too long." : keyword + " argument is too long.");
        }
        return s.map(Section.Setting::value);
    }

    private void unique(Map<String, String> seen, String key, String resource, int line, String what)
            throws ConfigException {
        String other = seen.putIfAbsent(key, resource);
        if (other != null) {
            throw new ConfigException(file, line, "Resource " + resource + " has the same " + what + " (" + key
                    + ") as resource " + other + ".");
        }
    }

    /** The settings of every {@code on} section naming this node, as one section. */
    private Section merged(List<Section.NodeSection> sections) throws ConfigException {
        Section mine = new Section();
        for (Section.NodeSection n : sections) {
            if (node.matches(n.node())) {
                for (String k : List.of("control", "pidfile", "export", "name", "local", "remote", "source", "metaflush")) {
                    Optional<Section.Setting> v = n.settings().get(k);
                    if (v.isPresent()) {
                        mine.set(k, v.get(), file);
                    }
                }
                for (Section.Setting l : n.settings().listen()) {
                    mine.set("listen", l, file);
                }
            }
        }
        return mine;
    }

    private static Optional<Section.Setting> first(Section a, Section b, String keyword) {
        return a.get(keyword).or(() -> b.get(keyword));
    }

}
