package hast.engine.event;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

/**
 * Delivers resource events to the whiteboard listeners, off the caller's thread and in the order
 * they were raised, honouring each listener's type and resource filters. A listener that throws
 * is logged and the others still get the event.
 */
public final class EventDispatcher implements Consumer<HastEvent>, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventDispatcher.class.getName());

    private final Supplier<? extends Collection<Map.Entry<Map<String, Object>, HastEventListener>>> listeners;
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hast-events");
        t.setDaemon(true);
        return t;
    });

    public EventDispatcher(Supplier<? extends Collection<Map.Entry<Map<String, Object>, HastEventListener>>> listeners) {
        this.listeners = listeners;
    }

    @Override
    public void accept(HastEvent event) {
        LOG.fine(() -> "[" + event.resource() + "] event " + event.type() + " " + event.details());
        delivery.execute(() -> {
            for (Map.Entry<Map<String, Object>, HastEventListener> l : listeners.get()) {
                if (wants(l.getKey(), HastEventListener.TYPES, event.type())
                        && wants(l.getKey(), HastEventListener.RESOURCES, event.resource())) {
                    try {
                        l.getValue().onEvent(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "Event listener " + l.getValue() + " failed on " + event.type(), e);
                    }
                }
            }
        });
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

    @Override
    public void close() {
        delivery.shutdown();
    }
}
