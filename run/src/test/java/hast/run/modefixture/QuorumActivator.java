package hast.run.modefixture;

import java.util.Hashtable;

import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle that ModePluginIT packs from these classes and installs into a running daemon: a
 * fourth replication mode, {@value #NAME}, as a third party would bring one.
 */
public final class QuorumActivator implements BundleActivator {
    public static final String NAME = "quorum";

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ReplicationMode.NAME, NAME);
        context.registerService(ReplicationMode.class, new Quorum(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the mode.
    }

    /** Acknowledged once both components have finished, whatever their outcome (the engine decides that). */
    private static final class Quorum implements ReplicationMode {
        @Override
        public boolean acknowledge(WriteProgress p) {
            return p.localDone() && p.remoteDone();
        }
    }
}
