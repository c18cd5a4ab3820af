package hast.api.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened to a resource.
 *
 * @param type     the event name as hooks see it: {@code role}, {@code connect}, {@code disconnect},
 *                 {@code syncstart}, {@code syncdone}, {@code syncintr}, {@code split-brain}, or one
 *                 of our own documented in the manual
 * @param resource the resource name
 * @param details  further hook arguments in order (for {@code role}: old role, new role)
 * @param time     when it happened
 */
public record HastEvent(String type, String resource, List<String> details, Instant time) {
    public static final String ROLE = "role";
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String SYNCSTART = "syncstart";
    public static final String SYNCDONE = "syncdone";
    public static final String SYNCINTR = "syncintr";
    public static final String SPLIT_BRAIN = "split-brain";

    public HastEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
        details = List.copyOf(details);
        Objects.requireNonNull(time, "time");
    }

    /** An event happening now. */
    public static HastEvent of(String type, String resource, String... details) {
        return new HastEvent(type, resource, List.of(details), Instant.now());
    }
}
