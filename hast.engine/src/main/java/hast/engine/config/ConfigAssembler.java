package hast.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import hast.api.HastAddress;
import hast.api.guard.AddressRange;
import hast.engine.config.SettingChecks.Accepts;
import hast.engine.replication.LinkSecret;
import hast.engine.replication.LinkTls;

/**
 * Resolves a parsed hast.conf for this node in two steps: {@link #resolve} picks the {@code on}
 * sections naming it and applies precedence (resource node section over resource block over global
 * node section over global settings), {@link #build} fills in defaults and checks what the grammar
 * cannot. Configuration Admin holds what the first step gives ({@link Settings}).
 */
final class ConfigAssembler {
    static final HastAddress DEFAULT_CONTROL = HastAddress.parse("uds:///var/run/hastctl");
    static final String DEFAULT_PIDFILE = "/var/run/hastd.pid";
    /** The reference also listens on tcp6://[::]:8457 when IPv6 works; we do not probe sockets. */
    static final HastAddress DEFAULT_LISTEN = HastAddress.parse("tcp4://0.0.0.0:8457");
    /**
     * One Unix socket for every resource (the export name tells them apart), in a directory the
     * daemon keeps its own: only root can open it. A TCP export is a choice that needs TLS or
     * {@code export-insecure on}.
     */
    static final HastAddress DEFAULT_EXPORT = HastAddress.parse("uds:///run/hast/nbd.sock");
    static final int DEFAULT_TIMEOUT = 20;
    static final boolean DEFAULT_METAFLUSH = true;
    static final boolean DEFAULT_DIRECT = false;
    /** metrics-listen's port when the address gives none: Prometheus's registry of exporter ports has it free. */
    static final int DEFAULT_METRICS_PORT = 9743;

    /** A {@code resource} block as written, or resolved for this node (flat, no {@code on} sections). */
    record ResourceBlock(String name, int line, Section block) {
    }

    /**
     * This node's settings, each from the most specific place that has it.
     *
     * @param node      the daemon's settings ({@link #NODE_KEYWORDS})
     * @param resources each resource's settings, flat
     */
    record Resolved(Section node, List<ResourceBlock> resources) {
        /** The settings of the daemon rather than of a resource. */
        static final List<String> NODE_KEYWORDS = List.of("control", "pidfile", "listen", "user", "metrics-listen");
    }

    private final NodeIdentity node;
    private final String file;
    private final SettingChecks checks;

    ConfigAssembler(NodeIdentity node, String file) {
        this.node = node;
        this.file = file;
        this.checks = new SettingChecks(file);
    }

    /** One that only {@link #build}s settings resolved elsewhere; {@code source} names them in errors. */
    ConfigAssembler(String source) {
        this(null, source);
    }

    /**
     * This node's settings, each taken from the most specific place of the file that has it, with
     * its line: what the {@code on} sections and the precedence decide, and nothing more. The
     * checks of settings no resource of this node may use (a global default, another node's
     * section) happen here, so that a mistake shows at once.
     */
    Resolved resolve(Section global, List<ResourceBlock> blocks) throws ConfigException {
        Section mine = mine(global.nodes());
        address(first(mine, global, "export"), "export", Accepts.TCP_OR_UDS);
        tlsDirectory(first(mine, global, "export-tls"), "export-tls");
        checkGlobalDefaults(global);
        for (Section defaults : List.of(mine, global)) {
            checks.secret(defaults.get("shared-secret"));
            checks.authAlgorithm(defaults.get("auth-alg"));
            tlsDirectory(defaults.get("link-tls"), "link-tls");
        }
        Section node = new Section();
        for (String keyword : Resolved.NODE_KEYWORDS) {
            if (keyword.equals("listen")) {
                // The union of the global lines and those of this node's sections, as the
                // reference's code has it (its manual describes inheritance instead).
                for (Section.Setting line : global.listen()) {
                    node.set(keyword, line, file);
                }
                for (Section.Setting line : mine.listen()) {
                    node.set(keyword, line, file);
                }
            } else {
                copy(node, keyword, first(mine, global, keyword));
            }
        }
        List<ResourceBlock> resources = new ArrayList<>();
        for (ResourceBlock block : blocks) {
            resources.add(resolve(block, global, mine));
        }
        return new Resolved(node, resources);
    }

    /** One resource's settings for this node, each from where precedence takes it. */
    private ResourceBlock resolve(ResourceBlock block, Section global, Section globalNode) throws ConfigException {
        List<Section.NodeSection> ons = block.block().nodes().stream().filter(n -> node.matches(n.node())).toList();
        if (ons.isEmpty()) {
            throw new ConfigException(file, block.line(), "No resource " + block.name() + " configuration for this node"
                    + " (acceptable node names: " + String.join(", ", node.names()) + ").");
        }
        Section res = block.block();
        Section on = mine(ons);
        Section flat = new Section();
        for (String keyword : List.of("name", "local")) {
            copy(flat, keyword, first(on, res, keyword));
        }
        for (String keyword : List.of("remote", "source")) {
            copy(flat, keyword, on.get(keyword));
        }
        for (String keyword : List.of("metaflush", "direct")) {
            copy(flat, keyword, first(on, res, keyword).or(() -> global.get(keyword)));
        }
        for (String keyword : List.of("replication", "checksum", "compression", "timeout", "exec", "syncrate",
                "sync-latency-target", "sync-min-rate", "sync-max-rate")) {
            copy(flat, keyword, first(res, global, keyword));
        }
        for (String keyword : List.of("shared-secret", "auth-alg", "export", "export-tls", "export-tls-verify",
                "export-insecure", "export-allow", "link-tls", "link-tls-peer")) {
            copy(flat, keyword, mostSpecific(on, res, globalNode, global, keyword));
        }
        return new ResourceBlock(block.name(), block.line(), flat);
    }

    private void copy(Section to, String keyword, Optional<Section.Setting> setting) throws ConfigException {
        if (setting.isPresent()) {
            to.set(keyword, setting.get(), file);
        }
    }

    /** The configuration from resolved settings, each checked; defaults fill what is not set. */
    HastConfig build(Path path, Resolved settings) throws ConfigException {
        Section node = settings.node();
        HastAddress control = address(node.get("control"), "control", Accepts.UDS).orElse(DEFAULT_CONTROL);
        String pidfile = checks.text(node.get("pidfile"), "pidfile", SettingChecks.MAX_PATH).orElse(DEFAULT_PIDFILE);
        List<ResourceConfig> resources = new ArrayList<>();
        Map<String, String> providers = new HashMap<>();
        Map<String, String> locals = new HashMap<>();
        for (ResourceBlock block : settings.resources()) {
            ResourceConfig rc = resource(block);
            if (resources.stream().anyMatch(r -> r.name().equals(rc.name()))) {
                throw new ConfigException(file, block.line(), "Resource " + rc.name() + " configured more than once.");
            }
            unique(providers, rc.provname(), rc, block.line(), "provider name");
            unique(locals, rc.local(), rc, block.line(), "local path");
            resources.add(rc);
        }
        String user = checks.text(node.get("user"), "user", SettingChecks.MAX_NAME).orElse(null);
        HastAddress metrics = address(node.get("metrics-listen"), "metrics-listen", Accepts.TCP,
                DEFAULT_METRICS_PORT).orElse(null);
        return new HastConfig(path, control, pidfile, listen(node), resources, user, metrics);
    }

    private List<HastAddress> listen(Section node) throws ConfigException {
        List<HastAddress> listen = new ArrayList<>();
        for (Section.Setting line : node.listen()) {
            listen.add(checks.address(line, "listen", HastAddress.DEFAULT_PORT, Accepts.TCP));
        }
        return listen.isEmpty() ? List.of(DEFAULT_LISTEN) : listen;
    }

    /** Global defaults are checked even while no resource uses them, so a mistake shows at once. */
    private void checkGlobalDefaults(Section global) throws ConfigException {
        if (global.get("timeout").isPresent()) {
            checks.timeout(global.get("timeout").get());
        }
        checks.codec(global.get("checksum"), CodecNames.CHECKSUM);
        checks.codec(global.get("compression"), CodecNames.COMPRESSION);
        checks.text(global.get("exec"), "exec", SettingChecks.MAX_PATH);
        syncRate(global);
    }

    /** The synchronisation's pace from the settings of {@code section}. */
    private SyncRateConfig syncRate(Section section) throws ConfigException {
        Optional<Section.Setting> mode = section.get("syncrate");
        Optional<Section.Setting> target = section.get("sync-latency-target");
        Optional<Section.Setting> min = section.get("sync-min-rate");
        Optional<Section.Setting> max = section.get("sync-max-rate");
        Section.Setting at = null;
        try {
            at = target.orElse(null);
            var latency = target.map(s -> SyncRateConfig.latency(s.value()))
                    .orElse(SyncRateConfig.DEFAULT_LATENCY_TARGET);
            at = min.orElse(null);
            long minRate = min.map(s -> SyncRateConfig.rate(s.value(), "sync-min-rate"))
                    .orElse(SyncRateConfig.DEFAULT_MIN_RATE);
            at = max.orElse(null);
            long maxRate = max.map(s -> SyncRateConfig.rate(s.value(), "sync-max-rate"))
                    .orElse(SyncRateConfig.DEFAULT_MAX_RATE);
            at = mode.orElse(max.orElse(null));
            return SyncRateConfig.of(mode.map(Section.Setting::value).orElse(SyncRateConfig.DEFAULT_MODE), latency,
                    minRate, maxRate);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, at == null ? 0 : at.line(), e.getMessage() + ".");
        }
    }

    /** One resource from its resolved settings ({@code block} holds them, flat). */
    private ResourceConfig resource(ResourceBlock block) throws ConfigException {
        String name = block.name();
        if (name.length() > SettingChecks.MAX_NAME) {
            throw new ConfigException(file, block.line(), "Resource name is too long.");
        }
        Section res = block.block();
        String local = checks.text(res.get("local"), "local", SettingChecks.MAX_PATH).orElseThrow(() ->
                new ConfigException(file, block.line(),
                        "Path to local component not configured for resource " + name + "."));
        Section.Setting remote = res.get("remote").orElseThrow(() ->
                new ConfigException(file, block.line(), "Remote address not configured for resource " + name + "."));
        String remoteText = remote.value().equals(ResourceConfig.NO_REMOTE) ? ResourceConfig.NO_REMOTE
                : checks.address(remote, "remote", HastAddress.DEFAULT_PORT, Accepts.TCP).toString();
        // The reference binds outgoing connections to port 0 (any) unless the source names one.
        String source = res.get("source").isEmpty() ? null
                : checks.address(res.get("source").get(), "source", 0, Accepts.TCP).toString();
        Optional<Section.Setting> timeout = res.get("timeout");
        Optional<String> secret = checks.secret(res.get("shared-secret"));
        String algorithm = checks.authAlgorithm(res.get("auth-alg")).orElse(LinkSecret.DEFAULT_ALGORITHM);
        return new ResourceConfig(name,
                checks.text(res.get("name"), "name", SettingChecks.MAX_NAME).orElse(name),
                local, remoteText, source,
                checks.codec(res.get("replication"), CodecNames.REPLICATION),
                checks.codec(res.get("checksum"), CodecNames.CHECKSUM),
                checks.codec(res.get("compression"), CodecNames.COMPRESSION),
                timeout.isPresent() ? checks.timeout(timeout.get()) : DEFAULT_TIMEOUT,
                checks.text(res.get("exec"), "exec", SettingChecks.MAX_PATH).orElse(""),
                res.get("metaflush").map(s -> s.value().equals("on")).orElse(DEFAULT_METAFLUSH),
                export(name, res),
                res.get("direct").map(s -> s.value().equals("on")).orElse(DEFAULT_DIRECT),
                secret.map(s -> LinkSecret.of(s, algorithm)).orElse(null),
                linkTls(name, res),
                syncRate(res));
    }

    /**
     * The export of a resource, from its resolved settings. A plain TCP
     * export lets anyone who reaches it read and write the disk, so it needs TLS or an explicit
     * {@code export-insecure on}.
     */
    private ExportConfig export(String resource, Section res) throws ConfigException {
        Optional<Section.Setting> exportSetting = res.get("export");
        HastAddress address = address(exportSetting, "export", Accepts.TCP_OR_UDS).orElse(DEFAULT_EXPORT);
        String tls = tlsDirectory(res.get("export-tls"), "export-tls").orElse(null);
        boolean verify = res.get("export-tls-verify").map(s -> s.value().equals("on")).orElse(false);
        boolean insecure = res.get("export-insecure").map(s -> s.value().equals("on")).orElse(false);
        List<String> allow = allowList(res.get("export-allow"));
        if (address.scheme() != HastAddress.Scheme.UDS && tls == null && !insecure) {
            throw new ConfigException(file, exportSetting.orElseThrow().line(), "export " + address + " of resource "
                    + resource + " is plain TCP, open to anyone who can reach it: give it 'export-tls <directory>'"
                    + " (NBD over TLS), or 'export-insecure on' to accept that, or export on a Unix socket.");
        }
        return new ExportConfig(address, tls, verify, insecure, allow);
    }

    /** The address ranges of {@code export-allow}, each checked; empty when it is not set. */
    private List<String> allowList(Optional<Section.Setting> setting) throws ConfigException {
        if (setting.isEmpty()) {
            return List.of();
        }
        List<String> ranges = List.of(setting.get().value().split(" "));
        for (String range : ranges) {
            try {
                AddressRange.parse(range);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, setting.get().line(), "invalid export-allow: " + e.getMessage() + ".");
            }
        }
        return ranges;
    }

    /**
     * The link's TLS, from the resource's resolved settings; a pinned peer name
     * without TLS is a mistake worth stopping for (the admin believes the link is checked).
     */
    private LinkTls linkTls(String resource, Section res) throws ConfigException {
        Optional<String> dir = tlsDirectory(res.get("link-tls"), "link-tls");
        Optional<Section.Setting> peer = res.get("link-tls-peer");
        Optional<String> name = checks.text(peer, "link-tls-peer", SettingChecks.MAX_NAME);
        if (name.isPresent() && dir.isEmpty()) {
            throw new ConfigException(file, peer.get().line(), "link-tls-peer of resource " + resource
                    + " without link-tls: the peer's name is checked in its TLS certificate, so give the resource"
                    + " 'link-tls <directory>' too.");
        }
        return dir.map(d -> new LinkTls(Path.of(d), name.orElse(null))).orElse(null);
    }

    private Optional<String> tlsDirectory(Optional<Section.Setting> setting, String keyword) throws ConfigException {
        Optional<String> dir = checks.text(setting, keyword, SettingChecks.MAX_PATH);
        if (dir.isPresent() && !dir.get().startsWith("/")) {
            throw new ConfigException(file, setting.orElseThrow().line(), keyword + " directory '" + dir.get()
                    + "' must be an absolute path.");
        }
        return dir;
    }

    private Optional<HastAddress> address(Optional<Section.Setting> setting, String keyword, Accepts accepts)
            throws ConfigException {
        return address(setting, keyword, accepts, HastAddress.DEFAULT_PORT);
    }

    private Optional<HastAddress> address(Optional<Section.Setting> setting, String keyword, Accepts accepts,
            int defaultPort) throws ConfigException {
        return setting.isEmpty() ? Optional.empty()
                : Optional.of(checks.address(setting.get(), keyword, defaultPort, accepts));
    }

    private void unique(Map<String, String> seen, String key, ResourceConfig resource, int line, String what)
            throws ConfigException {
        String other = seen.putIfAbsent(key, resource.name());
        if (other != null) {
            throw new ConfigException(file, line, "Resource " + resource.name() + " has the same " + what + " (" + key
                    + ") as resource " + other + ".");
        }
    }

    /** The settings of every {@code on} section naming this node, as one section. */
    private Section mine(List<Section.NodeSection> sections) throws ConfigException {
        Section mine = new Section();
        for (Section.NodeSection n : sections) {
            if (node.matches(n.node())) {
                mine.absorb(n, file);
            }
        }
        return mine;
    }

    /**
     * A keyword every level allows: the resource's node section, its block, this node's global
     * section, the global settings.
     */
    private static Optional<Section.Setting> mostSpecific(Section on, Section res, Section globalNode, Section global,
            String keyword) {
        return first(on, res, keyword).or(() -> first(globalNode, global, keyword));
    }

    private static Optional<Section.Setting> first(Section preferred, Section fallback, String keyword) {
        return preferred.get(keyword).or(() -> fallback.get(keyword));
    }
}
