package hast.engine.resource;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import hast.api.control.Consistency;
import hast.api.control.SyncProgress;
import hast.engine.metadata.Metadata;
import hast.engine.replication.Greeting;
import hast.engine.replication.SyncDecision;

/**
 * Whether a secondary's copy may be promoted, kept in its metadata: made inconsistent durably
 * before the WELCOME (so before the first byte of the synchronisation lands), consistent again
 * only when the primary reports the pass finished and this disk was flushed. Between the two it
 * follows the primary's progress reports.
 */
final class SecondaryConsistency {
    private static final Logger LOG = Logger.getLogger(SecondaryConsistency.class.getName());

    private final LocalComponent local;
    /** Bytes to copy in the pass being reported, and copied so far; -1: no pass reported in this session. */
    private long total = -1;
    private long done;
    private long startedNanos;
    /** Whether a pass is under way: between its first report and its end or the session's. */
    private boolean receiving;

    SecondaryConsistency(LocalComponent local) {
        this.local = local;
    }

    Consistency current() {
        return local.metadata().consistency();
    }

    /**
     * At a handshake, before the WELCOME: records what the synchronisation the primary is about
     * to start makes of this copy, and, for a never-paired copy, the resource id it adopts; one
     * metadata write for both.
     *
     * @param adopt the resuid to adopt, or 0 to keep this copy's
     */
    void handshake(SyncDecision decision, Greeting.Hello hello, long adopt) throws IOException {
        Metadata md = local.metadata();
        Consistency next = decision.consistencyAfter(md.consistency(), md.remotecnt(), hello.localcnt());
        synchronized (this) {
            total = -1;
            receiving = false;
        }
        if (next == md.consistency() && adopt == 0) {
            return;
        }
        local.updateMetadata(m -> (adopt == 0 ? m : m.withResuid(adopt).withPrevrole(hast.api.Role.SECONDARY))
                .withConsistency(next));
        if (next != md.consistency()) {
            LOG.info(() -> "[" + local.resource() + "] This copy is " + next.label() + " until the synchronisation ("
                    + decision + ") finishes: it will not be made primary before, unless forced.");
        }
        if (next != Consistency.CONSISTENT && !hello.syncReports()) {
            LOG.warning(() -> "[" + local.resource() + "] The primary does not report the end of synchronisations"
                    + " (an older hastd): this copy stays " + next.label() + " until a primary that does has"
                    + " synchronised it; 'hastctl role -f primary' promotes it meanwhile, at the operator's risk.");
        }
    }

    /**
     * A report from the primary. Finished: every write of the pass was carried out before it (the
     * session takes requests in order); a flush makes them durable, then the copy is recorded
     * consistent.
     */
    void report(long copied, long toCopy, boolean finished) throws IOException {
        synchronized (this) {
            if (!receiving) {
                startedNanos = System.nanoTime();
            }
            total = toCopy;
            // A pass counts the extents kept dirty in its total, which it need not copy: done is all.
            done = finished ? toCopy : copied;
            receiving = !finished;
        }
        if (finished && current() != Consistency.CONSISTENT) {
            local.provider().flush();
            Consistency was = current();
            local.updateMetadata(m -> m.withConsistency(Consistency.CONSISTENT));
            LOG.info(() -> "[" + local.resource() + "] Synchronisation finished and flushed: this copy, "
                    + was.label() + " until now, is consistent.");
        }
    }

    /** The session ended: no pass is under way any more. */
    synchronized void disconnected() {
        receiving = false;
    }

    /** The pass being received, as the primary last reported it, or {@code null}. */
    synchronized SyncProgress progress() {
        if (!receiving || total < 0) {
            return null;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        return new SyncProgress(total, done, elapsed <= 0 ? 0 : done * 1000 / elapsed);
    }

    /** Bytes the primary last reported still to copy here (0 when none was reported). */
    synchronized long remaining() {
        return total < 0 ? 0 : Math.max(0, total - done);
    }
}
