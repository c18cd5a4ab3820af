package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

import hast.api.replication.ReplicationMode;
import hast.engine.replication.Frame;

/**
 * A request of the primary's device on its way through both components.
 *
 * @param ordered  whether it holds its range in {@link WriteOrder} (every modifying request)
 * @param watch   its deadline for this node's disk; once the local component is done with it,
 *                only the secondary may keep it waiting, and the remote link's deadlines apply
 */
record DeviceRequest(Frame.Type type, int flags, long offset, long length, ByteBuffer payload, LongAdder errors,
        IoAction local, WriteProgressTracker.Finish finish, CompletableFuture<Void> ack, boolean ordered,
        LocalDeadline.Watch watch, ReplicationMode mode) {

    /** A request kind as the {@code local-error} event names it. */
    static String op(Frame.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
