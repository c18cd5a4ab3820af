package hast.hooks.jsonlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.testkit.EventListenerContract;

import org.junit.jupiter.api.io.TempDir;

/** The JSON log writes one line per event, in order, whatever the names hold. */
class JsonLogHookContractTest extends EventListenerContract {
    @TempDir
    Path dir;

    @Override
    protected HastEventListener listener() throws Exception {
        return new JsonLogHook(dir.resolve("events.jsonl"), "contract");
    }

    @Override
    protected void delivered(HastEventListener listener, List<HastEvent> events) throws Exception {
        ((JsonLogHook) listener).deactivate();
        List<String> lines = Files.readAllLines(dir.resolve("events.jsonl"));
        assertEquals(events.size(), lines.size(), "one line per event: " + lines);
        for (int i = 0; i < events.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.startsWith("{\"type\":\"" + events.get(i).type() + "\",") && line.endsWith("}"), line);
            assertTrue(line.chars().noneMatch(c -> c < 0x20), "control characters are escaped: " + line);
        }
    }
}
