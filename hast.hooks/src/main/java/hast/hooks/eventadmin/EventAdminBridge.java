package hast.hooks.eventadmin;

import java.util.Map;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts every event to OSGi Event Admin under the topic {@code hast/<event>} (e.g.
 * {@code hast/split-brain}: a dash is a valid topic character), so that standard OSGi tooling can
 * consume them. Without an Event Admin nothing is posted.
 */
@Component
public final class EventAdminBridge implements HastEventListener {
    static final String TOPIC_PREFIX = "hast/";
    /** Event property: the event name (String), as in the topic. */
    static final String TYPE = "type";
    /** Event property: the resource name (String). */
    static final String RESOURCE = "resource";
    /** Event property: the further hook arguments (String[]), e.g. old and new role. */
    static final String DETAILS = "details";
    /** Event property: when it happened (Long, milliseconds since the epoch). */
    static final String TIME = "time";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    public EventAdminBridge() {
    }

    /** A bridge posting to {@code admin}, for tests outside a framework. */
    EventAdminBridge(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    @Override
    public void onEvent(HastEvent event) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(toEvent(event));
        }
    }

    static Event toEvent(HastEvent event) {
        return new Event(TOPIC_PREFIX + event.type(), Map.of(TYPE, event.type(), RESOURCE, event.resource(),
                DETAILS, event.details().toArray(new String[0]), TIME, event.time().toEpochMilli()));
    }
}
