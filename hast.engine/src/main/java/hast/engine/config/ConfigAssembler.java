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
 * Resolves a parsed hast.conf for this node: picks the {@code on} sections naming it, applies
 * precedence (resource node section over resource block over global node section over global
 * settings over defaults) and checks what the grammar cannot.
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

    /** A {@code resource} block as written. */
    record ResourceBlock(String name, int line, Section block) {
    }

    private final NodeIdentity node;
    private final String file;
    private final SettingChecks checks;

    ConfigAssembler(NodeIdentity node, String file) {
        this.node = node;
        this.file = file;
        this.checks = new SettingChecks(file);
    }

    HastConfig assemble(Path path, Section global, List<ResourceBlock> blocks) throws ConfigException {
        Section mine = mine(global.nodes());
        HastAddress control = address(first(mine, global, "control"), "control", Accepts.UDS)
                .orElse(DEFAULT_CONTROL);
        String pidfile = checks.text(first(mine, global, "pidfile"), "pidfile", SettingChecks.MAX_PATH)
                .orElse(DEFAULT_PIDFILE);
        address(first(mine, global, "export"), "export", Accepts.TCP_OR_UDS);
        tlsDirectory(first(mine, global, "export-tls"), "export-tls");
        checkGlobalDefaults(global);
        for (Section defaults : List.of(mine, global)) {
            checks.secret(defaults.get("shared-secret"));
            checks.authAlgorithm(defaults.get("auth-alg"));
            tlsDirectory(defaults.get("link-tls"), "link-tls");
        }

        List<ResourceConfig> resources = new ArrayList<>();
        Map<String, String> providers = new HashMap<>();
        Map<String, String> locals = new HashMap<>();
        for (ResourceBlock block : blocks) {
            ResourceConfig rc = resource(block, global, mine);
            if (resources.stream().anyMatch(r -> r.name().equals(rc.name()))) {
                throw new ConfigException(file, block.line(), "Resource " + rc.name() + " configured more than once.");
            }
            unique(providers, rc.provname(), rc, block.line(), "provider name");
            unique(locals, rc.local(), rc, block.line(), "local path");
            resources.add(rc);
        }
        String user = checks.text(first(mine, global, "user"), "user", SettingChecks.MAX_NAME).orElse(null);
        HastAddress metrics = address(first(mine, global, "metrics-listen"), "metrics-listen", Accepts.TCP,
                DEFAULT_METRICS_PORT).orElse(null);
        return new HastConfig(path, control, pidfile, listen(global, mine), resources, user, metrics);
    }

    /**
     * The union of the global {@code listen} lines and those of this node's sections, as the
     * reference's code has it (its manual describes inheritance instead).
     */
    private List<HastAddress> listen(Section global, Section mine) throws ConfigException {
        List<HastAddress> listen = new ArrayList<>();
        List<Section.Setting> lines = new ArrayList<>(global.listen());
        lines.addAll(mine.listen());
        for (Section.Setting line : lines) {
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
        syncRate(new Section(), global);
    }

    /** The synchronisation's pace, each setting from the resource block or else the global settings. */
    private SyncRateConfig syncRate(Section res, Section global) throws ConfigException {
        Optional<Section.Setting> mode = first(res, global, "syncrate");
        Optional<Section.Setting> target = first(res, global, "sync-latency-target");
        Optional<Section.Setting> min = first(res, global, "sync-min-rate");
        Optional<Section.Setting> max = first(res, global, "sync-max-rate");
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

    private ResourceConfig resource(ResourceBlock block, Section global, Section globalNode) throws ConfigException {
        String name = block.name();
        if (name.length() > SettingChecks.MAX_NAME) {
            throw new ConfigException(file, block.line(), "Resource name is too long.");
        }
        List<Section.NodeSection> ons = block.block().nodes().stream().filter(n -> node.matches(n.node())).toList();
        if (ons.isEmpty()) {
            throw new ConfigException(file, block.line(), "No resource " + name + " configuration for this node"
                    + " (acceptable node names: " + String.join(", ", node.names()) + ").");
        }
        Section res = block.block();
        Section on = mine(ons);
        String local = checks.text(first(on, res, "local"), "local", SettingChecks.MAX_PATH).orElseThrow(() ->
                new ConfigException(file, block.line(),
                        "Path to local component not configured for resource " + name + "."));
        Section.Setting remote = on.get("remote").orElseThrow(() ->
                new ConfigException(file, block.line(), "Remote address not configured for resource " + name + "."));
        String remoteText = remote.value().equals(ResourceConfig.NO_REMOTE) ? ResourceConfig.NO_REMOTE
                : checks.address(remote, "remote", HastAddress.DEFAULT_PORT, Accepts.TCP).toString();
        // The reference binds outgoing connections to port 0 (any) unless the source names one.
        String source = on.get("source").isEmpty() ? null
                : checks.address(on.get("source").get(), "source", 0, Accepts.TCP).toString();
        Optional<Section.Setting> timeout = first(res, global, "timeout");
        Optional<String> secret = checks.secret(mostSpecific(on, res, globalNode, global, "shared-secret"));
        String algorithm = checks.authAlgorithm(mostSpecific(on, res, globalNode, global, "auth-alg"))
                .orElse(LinkSecret.DEFAULT_ALGORITHM);
        return new ResourceConfig(name,
                checks.text(first(on, res, "name"), "name", SettingChecks.MAX_NAME).orElse(name),
                local, remoteText, source,
                checks.codec(first(res, global, "replication"), CodecNames.REPLICATION),
                checks.codec(first(res, global, "checksum"), CodecNames.CHECKSUM),
                checks.codec(first(res, global, "compression"), CodecNames.COMPRESSION),
                timeout.isPresent() ? checks.timeout(timeout.get()) : DEFAULT_TIMEOUT,
                checks.text(first(res, global, "exec"), "exec", SettingChecks.MAX_PATH).orElse(""),
                first(on, res, "metaflush").or(() -> global.get("metaflush"))
                        .map(s -> s.value().equals("on")).orElse(DEFAULT_METAFLUSH),
                export(name, on, res, globalNode, global),
                first(on, res, "direct").or(() -> global.get("direct"))
                        .map(s -> s.value().equals("on")).orElse(DEFAULT_DIRECT),
                secret.map(s -> LinkSecret.of(s, algorithm)).orElse(null),
                linkTls(name, on, res, globalNode, global),
                syncRate(res, global));
    }

    /**
     * The export, each of its settings taken from the first of the resource's node section, the
     * resource block, the global node section and the global settings that has it. A plain TCP
     * export lets anyone who reaches it read and write the disk, so it needs TLS or an explicit
     * {@code export-insecure on}.
     */
    private ExportConfig export(String resource, Section on, Section res, Section globalNode, Section global)
            throws ConfigException {
        Optional<Section.Setting> exportSetting = mostSpecific(on, res, globalNode, global, "export");
        HastAddress address = address(exportSetting, "export", Accepts.TCP_OR_UDS).orElse(DEFAULT_EXPORT);
        String tls = tlsDirectory(mostSpecific(on, res, globalNode, global, "export-tls"), "export-tls").orElse(null);
        boolean verify = mostSpecific(on, res, globalNode, global, "export-tls-verify")
                .map(s -> s.value().equals("on")).orElse(false);
        boolean insecure = mostSpecific(on, res, globalNode, global, "export-insecure")
                .map(s -> s.value().equals("on")).orElse(false);
        List<String> allow = allowList(mostSpecific(on, res, globalNode, global, "export-allow"));
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
     * The link's TLS, each setting from the most specific section that has it; a pinned peer name
     * without TLS is a mistake worth stopping for (the admin believes the link is checked).
     */
    private LinkTls linkTls(String resource, Section on, Section res, Section globalNode, Section global)
            throws ConfigException {
        Optional<String> dir = tlsDirectory(mostSpecific(on, res, globalNode, global, "link-tls"), "link-tls");
        Optional<Section.Setting> peer = mostSpecific(on, res, globalNode, global, "link-tls-peer");
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
