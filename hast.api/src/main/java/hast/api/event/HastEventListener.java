package hast.api.event;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives resource events (whiteboard). Listeners are called asynchronously, never on the I/O
 * path; one that throws or hangs does not delay others.
 */
@ConsumerType
public interface HastEventListener {
    /** Service property (String or String[]): only events of these types are delivered. */
    String TYPES = "hast.event.types";
    /** Service property (String or String[]): only events of these resources are delivered. */
    String RESOURCES = "hast.event.resources";

    void onEvent(HastEvent event);
}
