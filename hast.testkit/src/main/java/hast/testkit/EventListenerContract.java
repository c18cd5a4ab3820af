package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;

import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from a {@link HastEventListener}: it takes every event the engine
 * raises, with names and details as odd as hast.conf and peers allow, without throwing (a listener
 * that throws loses nothing for others, but its own events are lost), and does with them what it
 * is for, which the plug-in's own test checks in {@link #delivered}.
 */
public abstract class EventListenerContract {
    /** The listener under test, ready for events; called once per test. */
    protected abstract HastEventListener listener() throws Exception;

    /**
     * Checks that the listener did its work for {@code events}, delivered in this order (e.g. the
     * lines it wrote, the programs it ran, the events it posted). Waits on a condition with a
     * deadline when the work is asynchronous.
     */
    protected abstract void delivered(HastEventListener listener, List<HastEvent> events) throws Exception;

    /** The {@code exec} program the events carry; none unless the listener runs programs. */
    protected String exec() throws Exception {
        return "";
    }

    /** Every event type the engine raises, with the details it gives each. */
    public static List<HastEvent> everyType(String resource, String exec) {
        Instant t = Instant.parse("2026-12-07T12:00:00.123Z");
        List<HastEvent> all = new ArrayList<>();
        all.add(new HastEvent(HastEvent.ROLE, resource, List.of("init", "primary"), t, exec));
        all.add(new HastEvent(HastEvent.CONNECT, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.DISCONNECT, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.SYNCSTART, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.SYNCDONE, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.SYNCINTR, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.SPLIT_BRAIN, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.RELOAD, resource, List.of(), t, exec));
        all.add(new HastEvent(HastEvent.VERIFY_DONE, resource, List.of("3", "1024"), t, exec));
        all.add(new HastEvent(HastEvent.AUTH_FAILED, resource, List.of("tcp://127.0.0.1:40512", "wrong-secret"), t, exec));
        all.add(new HastEvent(HastEvent.LOCAL_ERROR, resource, List.of("write", "Input/output error"), t, exec));
        return all;
    }

    /**
     * Names a listener must pass through untouched. hast.conf allows only ASCII letters, digits and
     * {@code . - _ / : [ ]} in names, but details carry peers' words and error texts, and a
     * listener must not depend on the parser: quotes, escapes, control bytes, shell syntax.
     */
    static final List<String> ODD_NAMES = List.of("r0", "with space", "quote\"and\\backslash", "line\nbreak",
            "tab\tand\u0001control", "[::1]:8457", "$(touch never)", "-starts-with-a-dash");

    @Test
    void takesEveryEventTheEngineRaises() throws Exception {
        HastEventListener listener = listener();
        List<HastEvent> events = everyType("r0", exec());
        for (HastEvent e : events) {
            assertDoesNotThrow(() -> listener.onEvent(e), e.type());
        }
        delivered(listener, events);
    }

    @Test
    void takesOddNamesAndDetails() throws Exception {
        HastEventListener listener = listener();
        List<HastEvent> events = new ArrayList<>();
        for (String name : ODD_NAMES) {
            events.add(new HastEvent(HastEvent.ROLE, name, List.of(name, "primary"), Instant.EPOCH, exec()));
        }
        for (HastEvent e : events) {
            assertDoesNotThrow(() -> listener.onEvent(e), e.resource());
        }
        delivered(listener, events);
    }
}
