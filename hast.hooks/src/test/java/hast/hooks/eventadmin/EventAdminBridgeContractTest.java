package hast.hooks.eventadmin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.testkit.EventListenerContract;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** The bridge posts one Event Admin event per hast event, in order, with the resource and details. */
class EventAdminBridgeContractTest extends EventListenerContract {
    private final List<Event> posted = new CopyOnWriteArrayList<>();

    @Override
    protected HastEventListener listener() {
        return new EventAdminBridge(new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        });
    }

    @Override
    protected void delivered(HastEventListener listener, List<HastEvent> events) {
        assertEquals(events.size(), posted.size(), "one event posted per event");
        for (int i = 0; i < events.size(); i++) {
            HastEvent e = events.get(i);
            Event p = posted.get(i);
            assertEquals("hast/" + e.type(), p.getTopic());
            assertEquals(e.resource(), p.getProperty("resource"));
            assertEquals(e.details(), List.of((String[]) p.getProperty("details")));
        }
    }
}
