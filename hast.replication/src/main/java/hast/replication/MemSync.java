package hast.replication;

import hast.api.replication.HastReplication;
import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

import org.osgi.service.component.annotations.Component;

/**
 * memsync: acknowledged once the local write is done and the secondary holds the data in memory
 * (or has finished with it, or is gone).
 */
@Component
@HastReplication("memsync")
public final class MemSync implements ReplicationMode {
    @Override
    public boolean acknowledge(WriteProgress p) {
        return p.localDone() && (p.remoteReceived() || p.remoteDone());
    }

    @Override
    public boolean wantsReceipt() {
        return true;
    }
}
