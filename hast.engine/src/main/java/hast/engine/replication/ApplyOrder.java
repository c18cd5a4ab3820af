package hast.engine.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests a secondary has admitted and not finished, in arrival order, and which of them may
 * be carried out at once. A request waits for every earlier one it conflicts with, and only for
 * those:
 * <ul>
 * <li>a write or trim, for every earlier request touching one of its bytes (a later overlapping
 * write never lands first, and a read of the range already admitted sees the data it asked for);
 * <li>a read or digest, for every earlier write or trim touching one of its bytes;
 * <li>a flush or a synchronisation report, for every earlier request: the flush makes all of them
 * durable, the report says the pass's writes are all carried out.
 * </ul>
 * Later requests do not wait for a flush: what it must cover came before it. At most
 * {@code limit} requests are admitted at once, which bounds the memory their payloads hold while
 * the disk is slower than the link.
 */
final class ApplyOrder {
    /** A request admitted and not finished. */
    static final class Entry {
        final Frame frame;
        /** The bytes it touches, {@code [from, to)}; a barrier touches all of them. */
        private final long from;
        private final long to;
        private final boolean writes;
        private final boolean barrier;
        /** Earlier requests not finished that it waits for. */
        private int waitsFor;
        /** Later requests waiting for this one, or null. */
        private List<Entry> waiting;
        /** Whether it waited for nothing when admitted: its admitter carries it out, else the last request it waits for. */
        private boolean startsNow;

        private Entry(Frame frame, long from, long to, boolean writes, boolean barrier) {
            this.frame = frame;
            this.from = from;
            this.to = to;
            this.writes = writes;
            this.barrier = barrier;
        }

        /** Whether whoever admitted it carries it out now; otherwise {@link #finished} hands it on later. */
        boolean startsNow() {
            return startsNow;
        }

        /** Whether this request, admitted after {@code earlier}, must wait for it. */
        private boolean mustFollow(Entry earlier) {
            if (barrier) {
                return true;
            }
            return !earlier.barrier && (writes || earlier.writes) && from < earlier.to && earlier.from < to;
        }
    }

    private final int limit;
    private final long datasize;
    /** Guarded by this. */
    private final List<Entry> admitted = new ArrayList<>();

    /** @param datasize the provider's data size: a request reaching past it touches no byte, it fails before the disk */
    ApplyOrder(int limit, long datasize) {
        this.limit = limit;
        this.datasize = datasize;
    }

    /**
     * Admits a request, waiting while {@code limit} are admitted already, however long the disk
     * takes (the request may have been acknowledged as received: it is carried out whatever comes;
     * interrupts are kept for the caller). It is to be carried out by the caller when
     * {@link Entry#startsNow()}, else by whoever finishes the last request it waits for.
     */
    synchronized Entry admit(Frame f) {
        boolean interrupted = false;
        while (admitted.size() >= limit) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Entry e = entry(f);
        for (Entry earlier : admitted) {
            if (e.mustFollow(earlier)) {
                e.waitsFor++;
                if (earlier.waiting == null) {
                    earlier.waiting = new ArrayList<>(2);
                }
                earlier.waiting.add(e);
            }
        }
        e.startsNow = e.waitsFor == 0;
        admitted.add(e);
        return e;
    }

    private Entry entry(Frame f) {
        boolean inRange = f.length() > 0 && f.offset() >= 0 && f.offset() <= datasize - f.length();
        return switch (f.type()) {
            case WRITE, DELETE -> inRange ? new Entry(f, f.offset(), f.offset() + f.length(), true, false)
                    : new Entry(f, 0, 0, false, false);
            case READ, DIGEST -> inRange ? new Entry(f, f.offset(), f.offset() + f.length(), false, false)
                    : new Entry(f, 0, 0, false, false);
            default -> new Entry(f, 0, Long.MAX_VALUE, true, true);
        };
    }

    /** The request is finished; returns the requests that were waiting only for it, to be carried out now. */
    synchronized List<Entry> finished(Entry e) {
        admitted.remove(e);
        notifyAll();
        if (e.waiting == null) {
            return List.of();
        }
        List<Entry> now = new ArrayList<>(e.waiting.size());
        for (Entry later : e.waiting) {
            if (--later.waitsFor == 0) {
                now.add(later);
            }
        }
        return now;
    }

    /** Requests admitted and not finished. */
    synchronized int size() {
        return admitted.size();
    }

    /**
     * Waits until every request admitted is finished, however long the disk takes: a session that
     * ended must not leave a write behind to land over a newer session's (interrupts are kept for
     * the caller).
     */
    synchronized void drain() {
        boolean interrupted = false;
        while (!admitted.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
