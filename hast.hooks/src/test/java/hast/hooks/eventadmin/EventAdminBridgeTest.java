package hast.hooks.eventadmin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import hast.api.event.HastEvent;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class EventAdminBridgeTest {

    @Test
    void everyReferenceEventNameIsAValidTopicUnderHast() {
        for (String type : List.of(HastEvent.ROLE, HastEvent.CONNECT, HastEvent.DISCONNECT, HastEvent.SYNCSTART,
                HastEvent.SYNCDONE, HastEvent.SYNCINTR, HastEvent.SPLIT_BRAIN)) {
            assertEquals("hast/" + type, EventAdminBridge.toEvent(HastEvent.of(type, "r0")).getTopic());
        }
    }

    @Test
    void propertiesCarryTheResourceDetailsAndTime() {
        Instant t = Instant.ofEpochMilli(1_700_000_000_123L);
        Event e = EventAdminBridge.toEvent(new HastEvent(HastEvent.ROLE, "r0", List.of("init", "primary"), t, "/x"));
        assertEquals("role", e.getProperty("type"));
        assertEquals("r0", e.getProperty("resource"));
        assertArrayEquals(new String[] {"init", "primary"}, (String[]) e.getProperty("details"));
        assertEquals(1_700_000_000_123L, e.getProperty("time"));
    }
}
