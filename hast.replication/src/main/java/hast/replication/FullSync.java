package hast.replication;

import hast.api.replication.HastReplication;
import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

import org.osgi.service.component.annotations.Component;

/** fullsync: acknowledged once the local write and the secondary's write are both done. */
@Component
@HastReplication("fullsync")
public final class FullSync implements ReplicationMode {
    @Override
    public boolean acknowledge(WriteProgress p) {
        return p.localDone() && p.remoteDone();
    }
}
