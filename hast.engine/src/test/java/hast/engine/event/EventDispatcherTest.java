package hast.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

import org.junit.jupiter.api.Test;

class EventDispatcherTest {

    @Test
    void deliversInOrderHonouringFiltersAndSurvivesAThrowingListener() throws Exception {
        List<String> all = new CopyOnWriteArrayList<>();
        List<String> rolesOfR1 = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        HastEventListener broken = e -> {
            throw new IllegalStateException("listener bug");
        };
        HastEventListener everything = e -> {
            all.add(e.type() + ":" + e.resource());
            done.countDown();
        };
        HastEventListener filtered = e -> rolesOfR1.add(e.details().toString());
        List<Map.Entry<Map<String, Object>, HastEventListener>> listeners = List.of(
                Map.entry(Map.of(), broken),
                Map.entry(Map.of(), everything),
                Map.entry(Map.of(HastEventListener.TYPES, "role", HastEventListener.RESOURCES, new String[] {"r1"}), filtered));
        try (EventDispatcher d = new EventDispatcher(() -> listeners)) {
            d.accept(HastEvent.of(HastEvent.ROLE, "r1", "init", "primary"));
            d.accept(HastEvent.of(HastEvent.CONNECT, "r1"));
            d.accept(HastEvent.of(HastEvent.ROLE, "r2", "init", "secondary"));
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of("role:r1", "connect:r1", "role:r2"), all);
        assertEquals(List.of("[init, primary]"), rolesOfR1);
    }

    @Test
    void filterValuesMayBeStringsArraysOrCollections() {
        assertTrue(EventDispatcher.wants(Map.of(), "k", "x"));
        assertTrue(EventDispatcher.wants(Map.of("k", "x"), "k", "x"));
        assertFalse(EventDispatcher.wants(Map.of("k", "y"), "k", "x"));
        assertTrue(EventDispatcher.wants(Map.of("k", new String[] {"y", "x"}), "k", "x"));
        assertTrue(EventDispatcher.wants(Map.of("k", List.of("x")), "k", "x"));
        assertFalse(EventDispatcher.wants(Map.of("k", 3), "k", "x"));
    }
}
