package hast.engine.resource;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

/**
 * One modifying request on its two components. The replication mode decides when the client is
 * answered; the answer is success if the local write succeeded (the primary serves reads from its
 * own disk), or if it failed where the secondary stored the request and {@link Rescue} could
 * record that only the secondary's copy is current. When both components are done, and the
 * answer has been given, {@code finish} runs once.
 */
final class WriteProgressTracker {
    /** What to do once both components are done: whether both stored the data. */
    interface Finish {
        void run(boolean replicated);
    }

    /** Records, in the generation counters, what the secondary missed. */
    interface Trace {
        /** Runs before a success is reported; {@code remoteFailed}: the secondary is known not to have stored it. */
        void beforeAck(boolean remoteFailed) throws IOException;

        /** Both components are done: the local one stored the request, the secondary did not. */
        void missed();
    }

    /** Takes over a request the local component failed and the secondary stored. */
    interface Rescue {
        /**
         * Returns once the range is durably recorded as current on the secondary only, so that
         * the request may be answered with success; throws when it cannot be.
         */
        void secondaryHoldsIt() throws IOException;
    }

    private final ReplicationMode mode;
    private final Rescue rescue;
    private final boolean remoteRequired;
    private final CompletableFuture<Void> ack;
    private final Finish finish;
    private final Trace trace;
    private boolean localDone;
    private boolean localOk;
    private IOException localError;
    private boolean remoteReceived;
    private boolean remoteDone;
    private boolean remoteOk;
    private boolean acked;
    /** The answer has been given (it may take a metadata write after {@code acked} is set). */
    private boolean answered;
    private boolean finished;

    /**
     * @param rescue         what saves a request whose local write failed, or {@code null} when none can
     * @param remoteRequired this copy of the range is not current (see {@link StaleExtents}): the
     *                       request succeeds only if the secondary stores it, whatever the mode
     */
    WriteProgressTracker(ReplicationMode mode, CompletableFuture<Void> ack, Finish finish, Trace trace, Rescue rescue,
            boolean remoteRequired) {
        this.mode = mode;
        this.rescue = rescue;
        this.remoteRequired = remoteRequired;
        this.ack = ack;
        this.finish = finish;
        this.trace = trace;
    }

    void localDone(IOException error) {
        synchronized (this) {
            localDone = true;
            localOk = error == null;
            localError = error;
        }
        advance();
    }

    void remoteReceived() {
        synchronized (this) {
            remoteReceived = true;
        }
        advance();
    }

    void remoteDone(boolean ok) {
        synchronized (this) {
            remoteDone = true;
            remoteOk = ok;
        }
        advance();
    }

    private void advance() {
        boolean answer = false;
        boolean rescuable;
        boolean ok;
        boolean remoteFailed;
        boolean remoteStored;
        synchronized (this) {
            rescuable = rescue != null && localDone && !localOk;
            if (!acked) {
                if (rescuable) {
                    // Only the secondary can have it: its completion decides, not its receipt.
                    answer = remoteDone;
                } else if (remoteRequired) {
                    answer = localDone && remoteDone;
                } else {
                    answer = mode.acknowledge(new WriteProgress(localDone, localOk, remoteReceived, remoteDone,
                            remoteOk));
                }
                // Both done: nothing more can change the answer, and finish waits for it.
                answer |= localDone && remoteDone;
                acked = answer;
            }
            ok = localOk;
            remoteFailed = remoteDone && !remoteOk;
            remoteStored = remoteDone && remoteOk;
        }
        if (answer) {
            answer(rescuable, ok, remoteFailed, remoteStored);
        }
        boolean replicated;
        synchronized (this) {
            if (finished || !answered || !localDone || !remoteDone) {
                return;
            }
            finished = true;
            replicated = localOk && remoteOk;
        }
        // A request answered with an error promised nothing: the secondary missing it is no new history.
        if (ok && !replicated && !ack.isCompletedExceptionally()) {
            trace.missed();
        }
        finish.run(replicated);
    }

    private void answer(boolean rescuable, boolean ok, boolean remoteFailed, boolean remoteStored) {
        try {
            if (rescuable && !remoteFailed) {
                try {
                    rescue.secondaryHoldsIt();
                    ack.complete(null);
                } catch (IOException e) {
                    localError.addSuppressed(e);
                    ack.completeExceptionally(localError);
                }
            } else if (!ok) {
                ack.completeExceptionally(localError);
            } else if (remoteRequired && remoteFailed) {
                ack.completeExceptionally(new IOException("only the secondary holds the current data of this range,"
                        + " and it did not store the request"));
            } else {
                try {
                    // Stored on both, the write is no history of this copy alone, whatever the link did since.
                    if (!remoteStored) {
                        trace.beforeAck(remoteFailed);
                    }
                    ack.complete(null);
                } catch (IOException e) {
                    ack.completeExceptionally(e);
                }
            }
        } finally {
            synchronized (this) {
                answered = true;
            }
        }
    }
}
