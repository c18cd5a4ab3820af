package hast.shell.ctl;

import java.util.List;
import java.util.function.Consumer;

import hast.api.event.HastEvent;

/** Where {@code hastctl events} hears of resource events: inside hastd, the event whiteboard. */
public interface EventFeed {

    /**
     * Delivers the events of {@code resources} (of every resource when empty, those configured
     * later included) to {@code sink}, from another thread, until the subscription is closed.
     */
    Subscription follow(List<String> resources, Consumer<HastEvent> sink);

    /** Events being delivered; closing it stops them. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
