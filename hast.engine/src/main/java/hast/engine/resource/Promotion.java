package hast.engine.resource;

import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.control.Consistency;
import hast.api.control.HastNode;
import hast.api.control.SyncProgress;

/**
 * The guard on {@code role primary}: a copy that is not consistent (a synchronisation changed it
 * and has not finished) would serve clients a mix of old and new blocks, so it is refused unless
 * the operator forces it. Enforced here, in hastd, so that a failover tool talking to the control
 * socket is held to it as hastctl is. The reference has no such guard.
 */
final class Promotion {
    private static final Logger LOG = Logger.getLogger(Promotion.class.getName());

    private Promotion() {
    }

    /**
     * @param sync the synchronisation being received, for the message, or {@code null}
     * @throws HastException with status {@link HastNode#INCONSISTENT}: the copy is inconsistent and
     *                       {@code force} is false
     */
    static void check(String name, Consistency consistency, SyncProgress sync, boolean force) throws HastException {
        if (consistency == Consistency.CONSISTENT) {
            return;
        }
        String why = why(consistency, sync);
        if (force) {
            LOG.warning(() -> "[" + name + "] Forced to primary with an inconsistent copy (" + why + "): clients are"
                    + " served what it holds, and it is the reference for the secondary from now on.");
            return;
        }
        throw new HastException(HastNode.INCONSISTENT, "Not made primary: this copy of " + name
                + " is inconsistent (" + why + "), and clients would be served a half-synchronised disk. Wait until"
                + " 'hastctl status " + name + "' exits 0 on the secondary, or take the risk with"
                + " 'hastctl role -f primary " + name + "'.");
    }

    private static String why(Consistency consistency, SyncProgress sync) {
        String what = consistency == Consistency.INCOMPLETE
                ? "a full synchronisation from the primary has not finished"
                : "outdated: the primary wrote while the two were apart, and the copy of those writes has not finished";
        return sync == null ? what : what + ", " + sync.percent() + "% done";
    }
}
