package hast.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.testkit.LogCapture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventDispatcherTest {
    @RegisterExtension
    final LogCapture warnings = LogCapture.of(EventDispatcher.class, Level.INFO);

    @Test
    void deliversInOrderHonouringFiltersAndSurvivesAThrowingListener() throws Exception {
        List<String> all = new CopyOnWriteArrayList<>();
        List<String> rolesOfR1 = new CopyOnWriteArrayList<>();
        HastEventListener broken = e -> {
            throw new IllegalStateException("listener bug");
        };
        HastEventListener everything = e -> all.add(e.type() + ":" + e.resource());
        HastEventListener filtered = e -> rolesOfR1.add(e.details().toString());
        List<Map.Entry<Map<String, Object>, HastEventListener>> listeners = List.of(
                Map.entry(Map.of("component.name", "broken"), broken),
                Map.entry(Map.of(), everything),
                Map.entry(Map.of(HastEventListener.TYPES, "role", HastEventListener.RESOURCES, new String[] {"r1"}), filtered));
        try (EventDispatcher d = new EventDispatcher(() -> listeners)) {
            d.accept(HastEvent.of(HastEvent.ROLE, "r1", "init", "primary"));
            d.accept(HastEvent.of(HastEvent.CONNECT, "r1"));
            d.accept(HastEvent.of(HastEvent.ROLE, "r2", "init", "secondary"));
            await("every event delivered", () -> all.size() == 3 && rolesOfR1.size() == 1
                    && warnings.messages().stream().filter(w -> w.startsWith("Event listener broken failed on")).count() == 3);
        }
        assertEquals(List.of("role:r1", "connect:r1", "role:r2"), all);
        assertEquals(List.of("[init, primary]"), rolesOfR1);
    }

    @Test
    void aHungListenerIsReportedHasABoundedBacklogAndDelaysNobodyElse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> hungGot = new CopyOnWriteArrayList<>();
        List<String> healthyGot = new CopyOnWriteArrayList<>();
        HastEventListener hung = e -> {
            hungGot.add(e.details().get(0));
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
        HastEventListener healthy = e -> healthyGot.add(e.details().get(0));
        List<Map.Entry<Map<String, Object>, HastEventListener>> listeners = List.of(
                Map.entry(Map.of("component.name", "hung", "service.id", 7L), hung),
                Map.entry(Map.of(), healthy));
        int backlog = 4;
        int events = 20;
        try (EventDispatcher d = new EventDispatcher(() -> listeners, backlog, Duration.ofMillis(200))) {
            d.accept(HastEvent.of(HastEvent.CONNECT, "r0", "0"));
            await("the hung listener to take the first event", () -> hungGot.size() == 1);
            List<String> sent = new ArrayList<>(List.of("0"));
            for (int i = 1; i < events; i++) {
                long before = System.nanoTime();
                d.accept(HastEvent.of(HastEvent.CONNECT, "r0", Integer.toString(i)));
                assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1), "raising an event never waits");
                sent.add(Integer.toString(i));
                int delivered = i + 1;
                await("the healthy listener to get event " + i, () -> healthyGot.size() == delivered);
            }
            assertEquals(sent, healthyGot);
            await("the hung listener reported busy", () -> warnings.messages().stream().anyMatch(w -> w.startsWith(
                    "Event listener hung (service.id=7) is still busy with connect of r0 after ")
                    && w.endsWith("(" + backlog + " events waiting, " + (events - 1 - backlog) + " dropped).")));
            assertEquals(1, warnings.messages().stream().filter(w -> w.startsWith("Event listener hung (service.id=7) has "
                    + backlog + " events waiting; dropping connect of r0")).count(), warnings.toString());

            release.countDown();
            await("the hung listener to drain its bounded backlog", () -> hungGot.size() == 1 + backlog);
            assertEquals(sent.subList(0, 1 + backlog), hungGot, "what it got, it got in order");
            d.accept(HastEvent.of(HastEvent.CONNECT, "r0", "after"));
            await("the listener to catch up", () -> hungGot.size() == 2 + backlog);
            assertTrue(warnings.messages().contains("Event listener hung (service.id=7) is catching up; "
                    + (events - 1 - backlog) + " events were dropped for it."), warnings.toString());
        }
    }

    @Test
    void aListenerThatLeftGetsNothingMore() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        HastEventListener leaving = e -> got.add(e.type());
        List<Map.Entry<Map<String, Object>, HastEventListener>> listeners = new CopyOnWriteArrayList<>(
                List.of(Map.entry(Map.of(), leaving)));
        try (EventDispatcher d = new EventDispatcher(() -> listeners)) {
            d.accept(HastEvent.of(HastEvent.CONNECT, "r0"));
            await("the first event", () -> got.size() == 1);
            listeners.clear();
            d.accept(HastEvent.of(HastEvent.DISCONNECT, "r0"));
        }
        assertEquals(List.of("connect"), got);
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

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
