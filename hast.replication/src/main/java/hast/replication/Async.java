package hast.replication;

import hast.api.replication.HastReplication;
import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

import org.osgi.service.component.annotations.Component;

/** async: acknowledged once the local write is done; the secondary catches up in the background. */
@Component
@HastReplication("async")
public final class Async implements ReplicationMode {
    @Override
    public boolean acknowledge(WriteProgress p) {
        return p.localDone();
    }
}
