package hast.engine.resource;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;

/**
 * One modifying request on its two components. The replication mode decides when the client is
 * answered; the answer is success only if the local write succeeded (the primary serves reads
 * from its own disk). When both components are done, {@code finish} runs once.
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

    private final ReplicationMode mode;
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
    private boolean finished;

    WriteProgressTracker(ReplicationMode mode, CompletableFuture<Void> ack, Finish finish, Trace trace) {
        this.mode = mode;
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
        boolean answer;
        boolean both;
        boolean ok;
        boolean replicated;
        boolean remoteFailed;
        synchronized (this) {
            answer = !acked && mode.acknowledge(new WriteProgress(localDone, localOk, remoteReceived, remoteDone, remoteOk));
            if (answer) {
                acked = true;
            }
            both = localDone && remoteDone;
            ok = localOk;
            replicated = localOk && remoteOk;
            remoteFailed = remoteDone && !remoteOk;
        }
        if (answer) {
            if (!ok) {
                ack.completeExceptionally(localError);
            } else {
                try {
                    trace.beforeAck(remoteFailed);
                    ack.complete(null);
                } catch (IOException e) {
                    ack.completeExceptionally(e);
                }
            }
        }
        if (both && finishOnce()) {
            if (ok && !replicated) {
                trace.missed();
            }
            finish.run(replicated);
        }
    }

    private synchronized boolean finishOnce() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }
}
