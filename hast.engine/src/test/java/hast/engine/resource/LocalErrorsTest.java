package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import hast.api.event.HastEvent;

import org.junit.jupiter.api.Test;

class LocalErrorsTest {
    private final List<HastEvent> events = new ArrayList<>();
    private final LocalErrors errors = new LocalErrors("r0", events::add);

    @Test
    void aBurstOfErrorsRaisesOneEventPerKindOfRequest() {
        for (int i = 0; i < 1000; i++) {
            errors.report("write", "Input/output error");
        }
        errors.report("read", "Input/output error");
        errors.report("read", "Input/output error");
        assertEquals(2, events.size(), events.toString());
        assertEquals(new HastEvent(HastEvent.LOCAL_ERROR, "r0", List.of("write", "Input/output error"),
                events.get(0).time()), events.get(0));
        assertEquals(List.of("read", "Input/output error"), events.get(1).details());
    }
}
