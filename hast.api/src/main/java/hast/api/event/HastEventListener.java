package hast.api.event;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives resource events (whiteboard). Listeners are called asynchronously, never on the I/O
 * path, each from its own queue: events reach one listener in the order they were raised, and one
 * that throws, hangs or falls behind does not delay the others (a listener's backlog is bounded;
 * beyond it events are dropped for that listener, with a warning).
 */
@ConsumerType
public interface HastEventListener {
    /** Service property (String or String[]): only events of these types are delivered. */
    String TYPES = "hast.event.types";
    /** Service property (String or String[]): only events of these resources are delivered. */
    String RESOURCES = "hast.event.resources";

    void onEvent(HastEvent event);
}
