package hast.shell.ctl;

import java.util.Collection;

import hast.api.Role;
import hast.api.control.Consistency;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;

/**
 * What a failover script needs to know of a resource, and the exit status {@code list} and
 * {@code status} give for it. Declared from the best state to the worst: a command about several
 * resources exits with the worst one's status. The numbers are part of hastctl's interface
 * (hastctl(8)).
 */
enum ResourceState {
    /** Primary or secondary, connected, nothing left to copy, nothing for an operator. */
    COMPLETE(0),
    /** In init: neither serving nor receiving. */
    IDLE(5),
    /** Serving or receiving, but the two copies are not in step (disconnected, or copying). */
    DEGRADED(2),
    /**
     * This node's copy is not one to serve from (a synchronisation changes it and has not
     * finished): {@code role primary} refuses it with the same status.
     */
    INCONSISTENT(HastNode.INCONSISTENT),
    /** The nodes were both written apart and refuse to join until an operator decides. */
    SPLIT_BRAIN(4);

    private final int exitStatus;

    ResourceState(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    int exitStatus() {
        return exitStatus;
    }

    static ResourceState of(ResourceInfo r) {
        if (r.role() == Role.INIT) {
            return IDLE;
        }
        if ("split-brain".equals(r.problem())) {
            return SPLIT_BRAIN;
        }
        if (r.consistency() != Consistency.CONSISTENT) {
            return INCONSISTENT;
        }
        return "complete".equals(r.status()) && r.problem() == null ? COMPLETE : DEGRADED;
    }

    /** The worst state of {@code resources}; complete when there is none. */
    static ResourceState worst(Collection<ResourceInfo> resources) {
        return resources.stream().map(ResourceState::of).max(Enum::compareTo).orElse(COMPLETE);
    }

    /** The lower-case word used in messages and {@code --json}: complete, idle, degraded, inconsistent, split-brain. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
