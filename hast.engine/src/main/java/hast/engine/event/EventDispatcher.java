package hast.engine.event;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

/**
 * Delivers resource events to the whiteboard listeners, off the caller's thread, honouring each
 * listener's type and resource filters. Every listener has its own bounded queue, drained by one
 * thread at a time, so it sees events in the order they were raised while a listener that throws,
 * hangs or falls behind delays nobody else: its failures are logged, a delivery still running after
 * {@link #BUSY} is reported, and beyond {@link #BACKLOG} waiting events further ones are dropped
 * for it with a counted warning.
 */
public final class EventDispatcher implements Consumer<HastEvent>, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventDispatcher.class.getName());
    /** Events waiting for one listener before further ones are dropped for it. */
    static final int BACKLOG = 1024;
    /** A listener should return at once; one busy this long with one event is reported. */
    static final Duration BUSY = Duration.ofSeconds(5);

    private final Supplier<? extends Collection<Map.Entry<Map<String, Object>, HastEventListener>>> listeners;
    private final int backlog;
    private final long busyNanos;
    /** The queue of each listener seen at the last event; guarded by this. */
    private Map<HastEventListener, Mailbox> mailboxes = new IdentityHashMap<>();
    /** At most one thread per listener: a hung listener holds one, the others keep theirs. */
    private final ExecutorService delivery = Executors.newCachedThreadPool(DaemonThreads.numbered("hast-events-"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("hast-events-watchdog-"));

    public EventDispatcher(Supplier<? extends Collection<Map.Entry<Map<String, Object>, HastEventListener>>> listeners) {
        this(listeners, BACKLOG, BUSY);
    }

    EventDispatcher(Supplier<? extends Collection<Map.Entry<Map<String, Object>, HastEventListener>>> listeners,
            int backlog, Duration busy) {
        this.listeners = listeners;
        this.backlog = backlog;
        this.busyNanos = busy.toNanos();
        long check = Math.max(busyNanos / 5, TimeUnit.MILLISECONDS.toNanos(10));
        watchdog.scheduleWithFixedDelay(this::reportBusy, check, check, TimeUnit.NANOSECONDS);
    }

    /**
     * Queues {@code event} for every listener that wants it; never blocks on a listener.
     * Synchronized so that events raised at once by several threads reach every listener in the
     * same order.
     */
    @Override
    public synchronized void accept(HastEvent event) {
        LOG.fine(() -> "[" + event.resource() + "] event " + event.type() + " " + event.details());
        Map<HastEventListener, Mailbox> current = new IdentityHashMap<>();
        for (Map.Entry<Map<String, Object>, HastEventListener> l : listeners.get()) {
            Mailbox box = mailboxes.get(l.getValue());
            if (box == null) {
                box = new Mailbox(l.getValue(), describe(l.getKey(), l.getValue()));
            }
            current.put(l.getValue(), box);
            if (wants(l.getKey(), HastEventListener.TYPES, event.type())
                    && wants(l.getKey(), HastEventListener.RESOURCES, event.resource())) {
                box.post(event);
            }
        }
        // Listeners that went away leave with their queues (a hung one keeps only its thread).
        mailboxes = current;
    }

    /** True when the filter property is absent or lists {@code value}. */
    static boolean wants(Map<String, Object> properties, String key, String value) {
        Object filter = properties.get(key);
        if (filter == null) {
            return true;
        }
        if (filter instanceof String s) {
            return s.equals(value);
        }
        if (filter instanceof String[] a) {
            return List.of(a).contains(value);
        }
        if (filter instanceof Collection<?> c) {
            return c.contains(value);
        }
        return false;
    }

    /** The listener as an operator can find it: its DS component, else its class, and its service id. */
    private static String describe(Map<String, Object> properties, HastEventListener listener) {
        Object component = properties.get("component.name");
        Object id = properties.get("service.id");
        return (component != null ? component : listener.getClass().getName())
                + (id != null ? " (service.id=" + id + ")" : "");
    }

    private void reportBusy() {
        Collection<Mailbox> boxes;
        synchronized (this) {
            boxes = List.copyOf(mailboxes.values());
        }
        long now = System.nanoTime();
        for (Mailbox box : boxes) {
            box.reportIfBusy(now);
        }
    }

    /** Stops delivering: events already being delivered finish, a hung listener is left behind. */
    @Override
    public void close() {
        watchdog.shutdownNow();
        delivery.shutdown();
    }

    /** One listener's queue and the state of its delivery. */
    private final class Mailbox implements Runnable {
        private final HastEventListener listener;
        private final String name;
        // Guarded by this:
        private final ArrayDeque<HastEvent> waiting = new ArrayDeque<>();
        private boolean draining;
        /** The event being delivered, or null. */
        private HastEvent delivering;
        private long deliveringSince;
        private long reportedAt;
        /** Events dropped since the queue was last below its bound. */
        private long dropped;

        Mailbox(HastEventListener listener, String name) {
            this.listener = listener;
            this.name = name;
        }

        synchronized void post(HastEvent event) {
            if (waiting.size() >= backlog) {
                if (dropped++ == 0) {
                    LOG.warning("Event listener " + name + " has " + waiting.size() + " events waiting; dropping "
                            + event.type() + " of " + event.resource() + " and further events until it catches up.");
                }
                return;
            }
            if (dropped > 0) {
                LOG.warning("Event listener " + name + " is catching up; " + dropped + " events were dropped for it.");
                dropped = 0;
            }
            waiting.add(event);
            if (!draining) {
                try {
                    delivery.execute(this);
                    draining = true;
                } catch (RejectedExecutionException closed) {
                    waiting.clear();
                }
            }
        }

        /** Delivers until the queue is empty, one event at a time. */
        @Override
        public void run() {
            while (true) {
                HastEvent event;
                synchronized (this) {
                    event = waiting.poll();
                    delivering = event;
                    if (event == null) {
                        draining = false;
                        return;
                    }
                    deliveringSince = System.nanoTime();
                    reportedAt = deliveringSince;
                }
                try {
                    listener.onEvent(event);
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable e) {
                    // A listener's bug (a stale class after its bundle was updated included) is its own.
                    LOG.log(Level.WARNING, "Event listener " + name + " failed on " + event.type() + " of "
                            + event.resource(), e);
                }
            }
        }

        synchronized void reportIfBusy(long now) {
            if (delivering != null && now - reportedAt >= busyNanos) {
                reportedAt = now;
                LOG.warning("Event listener " + name + " is still busy with " + delivering.type() + " of "
                        + delivering.resource() + " after " + TimeUnit.NANOSECONDS.toSeconds(now - deliveringSince)
                        + " s (" + waiting.size() + " events waiting" + (dropped > 0 ? ", " + dropped + " dropped" : "")
                        + ").");
            }
        }
    }
}
