package hast.engine.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.MetadataInfo;
import hast.api.control.NodeAdmin;
import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;
import hast.engine.config.ConfigParser;
import hast.engine.config.HastConfig;
import hast.engine.config.NodeIdentity;
import hast.engine.config.ResourceConfig;
import hast.engine.local.LocalProviders;
import hast.engine.metadata.MetadataStore;
import hast.engine.metadata.ProviderLayout;
import hast.posix.Account;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code hastctl create} and {@code dump}: they work on the local providers named by the
 * configuration, with or without a running daemon, as in the reference. Like the reference,
 * create takes no lock and asks no daemon: it is the administrator's tool to (re)initialise.
 */
@Component(service = NodeAdmin.class)
public final class LocalAdmin implements NodeAdmin {
    static final long DEFAULT_EXTENTSIZE = 2L << 20;
    /**
     * Extents kept marked on disk when {@code -k} is not given. The reference's 64 (128 MiB at 2 MiB
     * extents) makes most random writes over a larger working set wait for an O_DSYNC bitmap write;
     * 1024 (2 GiB) spares it for working sets up to 2 GiB, like DRBD's default activity log (1237 x
     * 4 MiB), at the price of copying up to 2 GiB after a primary crash (README, Benchmark).
     */
    static final int DEFAULT_KEEPDIRTY = 1024;

    private final NodeIdentity node;
    private final ConfigParser parser;
    /** The factories DS binds; in force once DS has activated this component. */
    private final LocalProviders whiteboard = new LocalProviders();
    /**
     * What opens the local providers: on a plain class path (the command-line hastctl), where there
     * is no whiteboard, files and block devices only.
     */
    private volatile LocalProviders providers;
    /** Whether this is the command-line hastctl's, which cannot reach the kinds bundles serve. */
    private volatile boolean onClassPath;

    /** For DS and {@link java.util.ServiceLoader}: this node is named by HAST_NODE or the hostname. */
    public LocalAdmin() {
        this(NodeIdentity.fromEnvironment(), LocalProviders.filesOnly());
        onClassPath = true;
    }

    /** As node {@code node}, opening files and block devices. */
    LocalAdmin(NodeIdentity node) {
        this(node, LocalProviders.filesOnly());
    }

    /** As node {@code node}, opening what {@code providers} serve. */
    LocalAdmin(NodeIdentity node, LocalProviders providers) {
        this.node = node;
        this.parser = new ConfigParser(node);
        this.providers = providers;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindLocalProviderFactory(LocalProviderFactory factory, Map<String, Object> properties) {
        whiteboard.add(factory, properties);
    }

    void unbindLocalProviderFactory(LocalProviderFactory factory) {
        whiteboard.remove(factory);
    }

    /** In a framework: create and dump open every kind a bundle serves (at hastd's console). */
    @Activate
    void activate() {
        providers = whiteboard;
        onClassPath = false;
    }

    @Override
    public List<String> resourceNames(Path config) throws HastException {
        return parser.parse(config).resources().stream().map(ResourceConfig::name).toList();
    }

    @Override
    public HastAddress controlAddress(Path config) throws HastException {
        return parser.parse(config).control();
    }

    @Override
    public MetadataInfo create(Path config, String resource, long extentsize, long keepdirty, long mediasize)
            throws HastException {
        ResourceConfig rc = resource(config, resource);
        if (keepdirty < 0 || keepdirty > Integer.MAX_VALUE) {
            throw new HastException(Sysexits.EX_DATAERR, "Invalid keepdirty " + keepdirty + ".");
        }
        try (LocalProvider provider = open(rc, false)) {
            long size = provider.size();
            if (mediasize > size) {
                throw new HastException(Sysexits.EX_DATAERR,
                        "Provided mediasize is larger than provider " + rc.local() + " size.");
            }
            ProviderLayout layout = ProviderLayout.of(mediasize == 0 ? size : mediasize,
                    extentsize == 0 ? DEFAULT_EXTENTSIZE : extentsize, provider.sectorSize());
            try {
                MetadataStore.initialise(provider, rc.name(), layout,
                        keepdirty == 0 ? DEFAULT_KEEPDIRTY : (int) keepdirty);
                return MetadataStore.read(provider, rc.name()).toInfo();
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_IOERR,
                        "Unable to write metadata to " + rc.local() + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_IOERR, "Unable to close " + rc.local() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MetadataInfo dump(Path config, String resource) throws HastException {
        ResourceConfig rc = resource(config, resource);
        try (LocalProvider provider = open(rc, true)) {
            return MetadataStore.read(provider, rc.name()).toInfo();
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_IOERR,
                    "Unable to read metadata from " + rc.local() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> check(Path config, List<String> nodes) throws HastException {
        List<String> names = new ArrayList<>(nodes);
        if (names.isEmpty()) {
            names.add(null);  // this node, whatever name it goes by
            ConfigParser.nodeNames(config).stream().filter(n -> !node.matches(n)).forEach(names::add);
        }
        List<String> valid = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int status = Sysexits.EX_OK;
        for (String name : names) {
            String who = name == null ? "this node (" + String.join(", ", node.names()) + ")" : name;
            try {
                HastConfig parsed = (name == null ? parser : new ConfigParser(NodeIdentity.named(name))).parse(config);
                if ((name == null || node.matches(name)) && parsed.user() != null && Account.lookup(parsed.user()).isEmpty()) {
                    // hastd would stop at its privilege drop; an account is this machine's alone to check.
                    throw new HastException(Sysexits.EX_CONFIG, config + ": Unable to drop privileges: user "
                            + parsed.user() + " does not exist.");
                }
                valid.add(config + ": valid for " + who + ": " + (parsed.resources().isEmpty() ? "no resources"
                        : "resources " + String.join(", ", parsed.resources().stream().map(ResourceConfig::name).toList())));
            } catch (HastException e) {
                problems.add(e.getMessage() + " (for " + who + ")");
                status = status == Sysexits.EX_OK ? e.status() : status;
            }
        }
        if (!problems.isEmpty()) {
            throw new HastException(status, String.join("\n", problems));
        }
        return valid;
    }

    private ResourceConfig resource(Path config, String name) throws HastException {
        HastConfig parsed = parser.parse(config);
        return parsed.resource(name)
                .orElseThrow(() -> new HastException(Sysexits.EX_DATAERR, "Unknown resource " + name + "."));
    }

    private LocalProvider open(ResourceConfig rc, boolean readOnly) throws HastException {
        try {
            return providers.open(rc.local(), new LocalProviderFactory.Options(readOnly, false));
        } catch (IOException e) {
            String hint = onClassPath && providers.problem(rc.local()) != null
                    ? " (the command-line hastctl opens files and block devices only; run it at hastd's console,"
                            + " where the bundles serving other kinds are)" : "";
            throw new HastException(Sysexits.EX_NOINPUT,
                    "Unable to open " + rc.local() + " of resource " + rc.name() + ": " + e.getMessage() + hint, e);
        }
    }
}
