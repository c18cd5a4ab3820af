package hast.shell.control;

import java.util.Hashtable;
import java.util.List;
import java.util.function.Consumer;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.shell.ctl.EventFeed;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Events from the whiteboard: a {@link HastEventListener} registered for as long as a command
 * follows them, with the resources it wants as its service property, so that the daemon sends
 * it nothing else.
 */
public final class WhiteboardFeed implements EventFeed {
    private final BundleContext context;

    public WhiteboardFeed(BundleContext context) {
        this.context = context;
    }

    @Override
    public Subscription follow(List<String> resources, Consumer<HastEvent> sink) {
        Hashtable<String, Object> properties = new Hashtable<>();
        if (!resources.isEmpty()) {
            properties.put(HastEventListener.RESOURCES, resources.toArray(new String[0]));
        }
        HastEventListener listener = sink::accept;
        ServiceRegistration<HastEventListener> registration =
                context.registerService(HastEventListener.class, listener, properties);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The bundle stopped first, which unregistered it.
            }
        };
    }
}
