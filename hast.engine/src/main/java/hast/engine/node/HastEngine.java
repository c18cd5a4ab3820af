package hast.engine.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

import hast.api.control.EngineConfiguration;
import hast.api.DaemonThreads;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.codec.Checksum;
import hast.api.codec.Compressor;
import hast.api.control.HastNode;
import hast.api.device.DeviceNode;
import hast.api.event.HastEventListener;
import hast.api.replication.ReplicationMode;
import hast.api.storage.LocalProviderFactory;
import hast.api.transport.Transport;
import hast.engine.config.ConfigException;
import hast.engine.config.HastConfig;
import hast.engine.config.Settings;
import hast.engine.event.EventDispatcher;
import hast.engine.replication.ProtocolRange;
import hast.engine.resource.ResourceManager;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The engine: this node's resources, configured through Configuration Admin ({@link Settings}: the
 * node's configuration starts it, one factory configuration per resource), publishing
 * {@link HastNode} for hastctl and the consoles. It runs in any OSGi framework with Declarative
 * Services and Configuration Admin; the process concerns (arguments, pidfile, privileges, signals,
 * exit status) belong to an {@link EngineHost}, when there is one.
 */
@Component(service = HastEngine.class, immediate = true, configurationPid = EngineConfiguration.NODE_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = NodeSettings.class)
public final class HastEngine {
    private static final Logger LOG = Logger.getLogger(HastEngine.class.getName());

    private volatile ResourceManager manager;
    private EventDispatcher events;
    private ServiceRegistration<HastNode> registration;
    private MeterPublication meters;
    /** Applies configuration changes one at a time, away from Configuration Admin's and SCR's threads. */
    private final ExecutorService changes = Executors.newSingleThreadExecutor(DaemonThreads.named("hast-config"));

    @Reference
    private ConfigurationAdmin configurations;

    /** hastd's shell, when the engine runs inside hastd; bound before the node's configuration exists. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EngineHost host;

    @Reference(service = HastEventListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    private final List<Map.Entry<Map<String, Object>, HastEventListener>> listeners = new CopyOnWriteArrayList<>();

    private final Plugins plugins = new Plugins();
    /** What hastctl is shown: the resources with the kernel devices other bundles attached for them. */
    private final AttachedDevices node = new AttachedDevices();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDeviceNode(DeviceNode device, Map<String, Object> properties) {
        node.added(device, properties);
    }

    void unbindDeviceNode(DeviceNode device, Map<String, Object> properties) {
        node.removed(device, properties);
    }

    /** Replication listens on TCP: the engine starts only once a TCP transport is there. */
    @Reference(target = "(" + Transport.SCHEME + "=tcp)")
    private Transport tcp;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindTransport(Transport transport, Map<String, Object> properties) {
        plugins.addTransport(transport, properties);
    }

    void unbindTransport(Transport transport) {
        plugins.removeTransport(transport);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMode(ReplicationMode mode, Map<String, Object> properties) {
        plugins.addMode(mode, properties);
    }

    void unbindMode(ReplicationMode mode) {
        plugins.removeMode(mode);
    }

    /**
     * Resources open files and block devices unless hast.conf says otherwise: the engine starts
     * only once their factory is there, so that it does not warn of a kind about to be served.
     */
    @Reference(target = "(" + LocalProviderFactory.KIND + "=" + LocalProviderFactory.FILE + ")")
    private LocalProviderFactory files;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindLocalProviderFactory(LocalProviderFactory factory, Map<String, Object> properties) {
        plugins.addLocalProviderFactory(factory, properties);
    }

    void unbindLocalProviderFactory(LocalProviderFactory factory) {
        plugins.removeLocalProviderFactory(factory);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindCompressor(Compressor compressor, Map<String, Object> properties) {
        plugins.addCompressor(compressor, properties);
    }

    void unbindCompressor(Compressor compressor) {
        plugins.removeCompressor(compressor);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindChecksum(Checksum checksum, Map<String, Object> properties) {
        plugins.addChecksum(checksum, properties);
    }

    void unbindChecksum(Checksum checksum) {
        plugins.removeChecksum(checksum);
    }

    /**
     * Starts the resources of the configurations there are and listens. With a host, primaries are
     * accepted once the host says so ({@link #serve}); a start that fails is the host's to report.
     */
    @Activate
    void activate(BundleContext context) {
        EngineHost shell = host;
        try {
            // Without hastd, whose file was checked whole before it was stored, configurations come
            // one by one from a console or a folder: one that cannot be read must not keep the
            // engine, and every good resource, from starting. A change to it is then a reload.
            HastConfig config = stored(shell == null);
            events = new EventDispatcher(() -> listeners);
            manager = new ResourceManager(config, this::reread, new ServicePublisher(context), plugins, events);
            try {
                manager.listen();
            } catch (IOException e) {
                throw new HastException(Sysexits.EX_OSERR, "Unable to listen: " + e.getMessage(), e);
            }
            node.over(manager);
            registration = context.registerService(HastNode.class, node, new Hashtable<>());
            ResourceManager resources = manager;
            meters = new MeterPublication(context, resources::meters);
            meters.configure(config.metricsListen());
            manager.onReload(c -> meters.configure(c.metricsListen()));
        } catch (HastException e) {
            close();
            if (shell != null) {
                shell.failed(e);
            }
            LOG.severe(e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        }
        // The reference's line names the newest version; pairing with an older peer is logged when it happens.
        LOG.info("Started successfully, running protocol version " + ProtocolRange.SPOKEN.max() + ".");
        if (shell != null) {
            shell.started(this);
        } else {
            serve();
        }
    }

    /** Accepts primaries: once the host's privileges are dropped. */
    public void serve() {
        manager.serve();
    }

    /** What {@code hastctl reload} does: the host's SIGHUP. */
    public void reload() throws HastException {
        manager.reload();
    }

    /** The node's configuration changed. */
    @Modified
    void modified() {
        refreshLater();
    }

    /** A configuration changed: it is put in force as a reload would, unless it is in force already. */
    void refreshLater() {
        try {
            changes.execute(() -> {
                ResourceManager resources = manager;
                try {
                    if (resources != null) {
                        resources.refresh(this::stored);
                    }
                } catch (HastException e) {
                    // ResourceManager has logged why; the configuration in force stays.
                }
            });
        } catch (RejectedExecutionException closed) {
            // The engine is stopping: there is nothing left to configure.
        }
    }

    /** A reload: the host (if any) writes its source into Configuration Admin first. */
    private HastConfig reread() throws HastException {
        EngineHost shell = host;
        if (shell != null) {
            shell.republish();
        }
        return stored();
    }

    /** The settings in Configuration Admin now, as one configuration; any that cannot be read fails it. */
    private HastConfig stored() throws HastException {
        return stored(false);
    }

    /**
     * The settings in Configuration Admin now, as one configuration.
     *
     * @param leaveOut whether a resource configuration that cannot be read is left out (and
     *                 logged, naming it) rather than failing the whole
     */
    private HastConfig stored(boolean leaveOut) throws HastException {
        try {
            Configuration[] nodes = configurations.listConfigurations(
                    "(" + Constants.SERVICE_PID + "=" + EngineConfiguration.NODE_PID + ")");
            if (nodes == null) {
                throw new HastException(Sysexits.EX_CONFIG, "No configuration " + EngineConfiguration.NODE_PID + ".");
            }
            Configuration[] resources = configurations.listConfigurations(
                    "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + EngineConfiguration.RESOURCE_FACTORY_PID + ")");
            List<Map<String, Object>> each = new ArrayList<>();
            for (Configuration r : resources == null ? new Configuration[0] : resources) {
                if (r.getProperties() != null) {
                    each.add(map(r.getProperties()));
                }
            }
            Map<String, Object> node = map(nodes[0].getProperties());
            return Settings.of(node, leaveOut ? readable(node, each) : each).config();
        } catch (IOException | InvalidSyntaxException e) {
            throw new HastException(Sysexits.EX_CONFIG, "Unable to read the configurations: " + e.getMessage(), e);
        }
    }

    /** The resource configurations that can be read with the node's; each other one is logged. */
    private static List<Map<String, Object>> readable(Map<String, Object> node, List<Map<String, Object>> resources) {
        List<Map<String, Object>> readable = new ArrayList<>();
        for (Map<String, Object> r : resources) {
            try {
                Settings.of(node, List.of(r));
                readable.add(r);
            } catch (ConfigException e) {
                LOG.severe("Configuration left out until it changes: " + e.getMessage());
            }
        }
        return readable;
    }

    private static Map<String, Object> map(Dictionary<String, Object> properties) {
        Map<String, Object> map = new HashMap<>();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                map.put(key, properties.get(key));
            }
        }
        return map;
    }

    /**
     * Releases every resource: in-flight I/O finishes, activemaps and metadata are flushed. The host
     * calls it before ending the process; the framework's stop calls it too.
     */
    @Deactivate
    public synchronized void close() {
        changes.shutdown();
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework unregistered it as the bundle stopped.
            }
        }
        if (meters != null) {
            meters.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (events != null) {
            events.close();
        }
        registration = null;
        meters = null;
        manager = null;
        events = null;
    }
}
