package hast.hooks.jsonlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import hast.api.event.HastEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLogHookTest {
    @TempDir
    Path dir;

    @Test
    void appendsOneEscapedJsonLinePerEvent() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "earlier\n");
        JsonLogHook hook = new JsonLogHook(file, "hast.hooks.jsonlog 1.2.3");
        Instant t = Instant.parse("2026-12-01T18:00:00.123Z");
        hook.onEvent(new HastEvent("role", "r0", List.of("init", "primary"), t, "/etc/hast/hook.sh"));
        hook.onEvent(new HastEvent("connect", "odd \"name\"\\\n\u0001", List.of(), t, ""));
        hook.deactivate();
        assertEquals(List.of("earlier",
                "{\"type\":\"role\",\"resource\":\"r0\",\"details\":[\"init\",\"primary\"],\"time\":\"2026-12-01T18:00:00.123Z\","
                        + "\"exec\":\"/etc/hast/hook.sh\",\"hook\":\"hast.hooks.jsonlog 1.2.3\"}",
                "{\"type\":\"connect\",\"resource\":\"odd \\\"name\\\"\\\\\\n\\u0001\",\"details\":[],"
                        + "\"time\":\"2026-12-01T18:00:00.123Z\",\"exec\":\"\",\"hook\":\"hast.hooks.jsonlog 1.2.3\"}"),
                Files.readAllLines(file));
    }

    @Test
    void withoutAFileNothingIsWritten() throws Exception {
        JsonLogHook hook = new JsonLogHook(null, "x");
        hook.onEvent(HastEvent.of("connect", "r0"));
        hook.deactivate();
    }
}
