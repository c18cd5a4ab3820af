package hast.api.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

import hast.api.json.JsonWriter;

/**
 * Something that happened to a resource.
 *
 * @param type     the event name as hooks see it: {@code role}, {@code connect}, {@code disconnect},
 *                 {@code syncstart}, {@code syncdone}, {@code syncintr}, {@code split-brain}, or one
 *                 of our own: {@code reload}, {@code verify-done}, {@code auth-failed}, {@code local-error}
 * @param resource the resource name
 * @param details  further hook arguments in order (for {@code role}: old role, new role; for
 *                 {@code verify-done}: differing extents, extents compared; for {@code auth-failed}: the
 *                 peer, and why in one word such as {@code wrong-secret}; for {@code local-error}: the
 *                 request kind, the error)
 * @param time     when it happened
 * @param exec     the resource's {@code exec} program from hast.conf as it was when the event was
 *                 raised, or the empty string when none is configured; it travels with the event so
 *                 that a hook bundle runs the program in force without seeing the configuration
 * @since 1.1
 */
public record HastEvent(String type, String resource, List<String> details, Instant time, String exec) {
    public static final String ROLE = "role";
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String SYNCSTART = "syncstart";
    public static final String SYNCDONE = "syncdone";
    public static final String SYNCINTR = "syncintr";
    public static final String SPLIT_BRAIN = "split-brain";
    /** Ours: the configuration was re-read and the resource is in the new one. @since 1.2 */
    public static final String RELOAD = "reload";
    /** Ours: {@code hastctl verify} finished comparing both copies. @since 1.2 */
    public static final String VERIFY_DONE = "verify-done";
    /**
     * Ours: a peer of the replication link failed authentication and was refused (the session
     * serving, if any, untouched). @since 1.3
     */
    public static final String AUTH_FAILED = "auth-failed";

    /**
     * Ours: this node's own disk failed a request ({@code read}, {@code write}, {@code delete},
     * {@code flush}) or did not answer it within the resource's timeout; raised at most once per
     * request kind and resource every 10 seconds. @since 1.3
     */
    public static final String LOCAL_ERROR = "local-error";

    public HastEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
        details = List.copyOf(details);
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(exec, "exec");
    }

    /** An event with no {@code exec} program. */
    public HastEvent(String type, String resource, List<String> details, Instant time) {
        this(type, resource, details, time, "");
    }

    /** An event happening now, with no {@code exec} program yet (the engine adds the resource's). */
    public static HastEvent of(String type, String resource, String... details) {
        return new HastEvent(type, resource, List.of(details), Instant.now());
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The event as one line of JSON, the one schema every bundle writes events in:
     * {@code {"type":"role","resource":"r0","details":["init","primary"],"time":"2026-12-07T12:00:00.123Z","exec":""}}
     * (time in UTC with milliseconds). @since 1.4
     */
    public String toJson() {
        return writeMembers(new JsonWriter().beginObject()).endObject().toString();
    }

    /**
     * Writes the members of {@link #toJson()} into the object {@code json} has open, so that a
     * writer can add its own after them (the JSON log adds the hook's name). @since 1.4
     */
    public JsonWriter writeMembers(JsonWriter json) {
        json.field("type", type).field("resource", resource).name("details").beginArray();
        details.forEach(json::value);
        return json.endArray().field("time", TIME.format(time)).field("exec", exec);
    }

    /** This event carrying {@code program} as its {@code exec}. */
    public HastEvent withExec(String program) {
        return new HastEvent(type, resource, details, time, program);
    }
}
