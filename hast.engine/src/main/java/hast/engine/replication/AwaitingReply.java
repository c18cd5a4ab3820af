package hast.engine.replication;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requests sent to the secondary and not answered yet, by sequence number: the link matches
 * each reply to its request here, and its guard asks how long the oldest has waited.
 */
final class AwaitingReply {
    private final Map<Long, RemoteLink.Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    /** Numbers a request and records it; the number goes on its frame. */
    long add(RemoteLink.Pending p) {
        long n = seq.incrementAndGet();
        pending.put(n, p);
        return n;
    }

    /** The request answered by a final reply, now no longer awaited; {@code null} if unknown. */
    RemoteLink.Pending answered(long n) {
        return pending.remove(n);
    }

    /** The request a RECEIVED reply is about, still awaiting its final reply; {@code null} if unknown. */
    RemoteLink.Pending received(long n) {
        return pending.get(n);
    }

    /** Forgets a request that never went out. */
    void forget(long n) {
        pending.remove(n);
    }

    /** Fails every request awaited: the connection they went out on is gone. */
    void failAll(IOException gone) {
        for (Long n : pending.keySet()) {
            RemoteLink.Pending p = pending.remove(n);
            if (p != null) {
                p.received().completeExceptionally(gone);
                p.done().completeExceptionally(gone);
            }
        }
    }

    /** When the oldest request awaited was sent ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}. */
    long oldestSent() {
        return pending.values().stream().mapToLong(RemoteLink.Pending::sentNanos).min().orElse(Long.MAX_VALUE);
    }

    int size() {
        return pending.size();
    }
}
