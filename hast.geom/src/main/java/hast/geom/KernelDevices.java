package hast.geom;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.HastAddress;
import hast.api.device.DeviceNode;
import hast.api.device.HastDevice;
import hast.api.device.KernelNbd;
import hast.api.transport.Connection;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gives every primary resource a kernel block device where Linux has the nbd driver: the
 * resource's own NBD export, negotiated here and handed to a free /dev/nbdN, named
 * /dev/hast/&lt;provname&gt; (whiteboard of {@link HastDevice}s), the device root's alone (mode
 * 0600). The device goes when the role changes. Without the driver it says so once per export,
 * and the export remains the way in; so does an export that requires TLS.
 *
 * <p>Attaching and detaching run on one thread of their own, in order: an export may start
 * listening after this component hears of its device, so attaching retries for a while. What
 * touches device files (the device's owner and mode, /dev/hast and its links, the attachment
 * itself) is handed to {@link KernelNbd#onDeviceThread}, the one thread that may still do it once
 * hastd has dropped its privileges. The device becomes root's before it is attached, so that no
 * one else opens it while it is empty and keeps it open once it serves the disk.
 */
@Component(immediate = true)
public final class KernelDevices {
    private static final Logger LOG = Logger.getLogger(KernelDevices.class.getName());
    private static final Duration ATTACH_DEADLINE = Duration.ofSeconds(30);
    private static final Duration DETACH_DEADLINE = Duration.ofSeconds(90);
    private static final long RETRY_MILLIS = 100;
    /** The kernel's nbd block size must lie between the sector and the page. */
    private static final int LARGEST_BLOCK = 4096;

    /** Publishes a device node; the returned action withdraws it. */
    @FunctionalInterface
    interface Registrar {
        Runnable register(DeviceNode node, Map<String, Object> properties);
    }

    private record Node(Path path, Path target) implements DeviceNode {
    }

    /** A device attached for a resource, and what undoes it. */
    private record Attached(String name, Node node, Closeable attachment, Runnable registration) {
    }

    private final DeviceLinks links;
    private final KernelNbd kernel;
    private final Registrar registrar;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("hast-kernel-devices"));
    /** Devices bound and not unbound yet; guarded by {@code this}. */
    private final Set<HastDevice> bound = new HashSet<>();
    /** Only the worker thread touches this. */
    private final Map<HastDevice, Attached> attached = new HashMap<>();
    /** Export addresses already told to be the only way in; guarded by {@code this}. */
    private final Set<HastAddress> toldAbsent = new HashSet<>();

    @Activate
    public KernelDevices(@Reference KernelNbd kernel, BundleContext context) {
        this(kernel, (node, properties) ->
                context.registerService(DeviceNode.class, node, new Hashtable<>(properties))::unregister);
    }

    /** With its own way of publishing nodes: for tests. */
    KernelDevices(KernelNbd kernel, Registrar registrar) {
        this.links = new DeviceLinks(kernel.deviceFolder());
        this.kernel = kernel;
        this.registrar = registrar;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDevice(HastDevice device, Map<String, Object> properties) {
        if (!(properties.get(HastDevice.NAME) instanceof String name)
                || !(properties.get(HastDevice.EXPORT) instanceof String export)) {
            return;
        }
        HastAddress address;
        try {
            address = HastAddress.parse(export);
        } catch (IllegalArgumentException e) {
            return;   // NbdExporter says why it does not export it
        }
        String resource = properties.get(HastDevice.RESOURCE) instanceof String r ? r : name;
        if (properties.get(HastDevice.EXPORT_TLS) != null) {
            // The kernel takes the socket over after the negotiation and speaks plain NBD on it.
            LOG.info(() -> "[" + resource + "] No kernel device: the export at " + address + " requires TLS, which"
                    + " the kernel's nbd client does not speak; the export is the way in.");
            return;
        }
        synchronized (this) {
            if (!kernel.present()) {
                if (toldAbsent.add(address)) {
                    LOG.info(() -> "Kernel nbd driver not present; export at " + address + " is the way in.");
                }
                return;
            }
            bound.add(device);
        }
        worker.execute(() -> attach(device, name, resource, address));
    }

    void unbindDevice(HastDevice device) {
        synchronized (this) {
            if (!bound.remove(device)) {
                return;
            }
        }
        Future<?> detached = worker.submit(() -> detach(device));
        try {
            detached.get(DETACH_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning(() -> "Detaching the kernel device of a resource did not finish: " + e);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            bound.clear();
        }
        worker.execute(() -> Set.copyOf(attached.keySet()).forEach(this::detach));
        worker.shutdown();
        worker.awaitTermination(DETACH_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private synchronized boolean isBound(HastDevice device) {
        return bound.contains(device);
    }

    private void attach(HastDevice device, String name, String resource, HastAddress address) {
        Optional<Connection> negotiated = Optional.empty();
        ExportClient.Negotiated export = null;
        long deadline = System.nanoTime() + ATTACH_DEADLINE.toNanos();
        IOException last = null;
        while (negotiated.isEmpty() && isBound(device) && System.nanoTime() < deadline) {
            Connection c = null;
            try {
                c = kernel.connect(address);
                export = ExportClient.go(c, name);
                negotiated = Optional.of(c);
            } catch (IOException e) {
                last = e;
                closeQuietly(c);
                if (!pause()) {
                    return;
                }
            }
        }
        if (negotiated.isEmpty()) {
            if (isBound(device)) {
                IOException why = last;
                LOG.warning(() -> "[" + resource + "] No kernel device: the export '" + name + "' at " + address
                        + " did not answer within " + ATTACH_DEADLINE.toSeconds() + " s"
                        + (why == null ? "" : " (" + why.getMessage() + ")") + ".");
            }
            return;
        }
        Connection c = negotiated.get();
        Path target = null;
        try {
            target = kernel.freeDevice().orElseThrow(() -> new IOException("no free /dev/nbdN"));
            int blockSize = Math.min(LARGEST_BLOCK, Math.max(512, export.blockSize()));
            Path nbd = target;
            long size = export.size();
            int flags = export.flags();
            Node node = new Node(links.path(name), nbd);
            Closeable attachment = kernel.onDeviceThread(() -> {
                links.link(name, nbd);
                try {
                    return kernel.attach(c, nbd, size, blockSize, flags);
                } catch (IOException | RuntimeException e) {
                    try {
                        links.unlink(name, nbd);
                    } catch (IOException left) {
                        e.addSuppressed(left);
                    }
                    throw e;
                }
            });
            Runnable registration = registrar.register(node, Map.of(HastDevice.RESOURCE, resource));
            attached.put(device, new Attached(name, node, attachment, registration));
            LOG.info(() -> "[" + resource + "] " + node.path() + " is " + node.target() + ".");
            if (!isBound(device)) {
                detach(device);   // the role changed while this was being set up
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(c);
            Path dev = target;
            LOG.warning(() -> "[" + resource + "] Unable to attach '" + name + "' to " + (dev == null ? "a kernel device"
                    : dev) + ": " + e.getMessage() + "; export at " + address + " is the way in.");
        }
    }

    private void detach(HastDevice device) {
        Attached a = attached.remove(device);
        if (a == null) {
            return;
        }
        a.registration().run();
        try {
            kernel.onDeviceThread(() -> {
                links.unlink(a.name(), a.node().target());
                return null;
            });
        } catch (IOException e) {
            LOG.warning(() -> "Unable to remove " + a.node().path() + ": " + e.getMessage());
        }
        try {
            a.attachment().close();
            LOG.info(() -> a.node().path() + " (" + a.node().target() + ") removed.");
        } catch (IOException e) {
            LOG.warning(() -> "Unable to detach " + a.node().target() + ": " + e.getMessage());
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Nothing was attached to it.
            }
        }
    }
}
