package hast.api.control;

/**
 * How fast a primary's synchronisation may copy, and whether an operator paused it.
 *
 * @param mode   the configured {@code syncrate}: {@code unlimited}, a fixed rate as written
 *               (e.g. {@code 50M}), or {@code dynamic} with its target and bounds, e.g.
 *               {@code dynamic (latency target 5ms, 10M..unlimited)}
 * @param limit  the rate the copy is held to now, in bytes per second; 0 when nothing holds it
 *               back (unlimited). In dynamic mode it moves with the applications' write latency.
 * @param paused whether an operator paused the synchronisation ({@code hastctl pause}); the
 *               resource stays degraded until it is resumed
 * @since 2.7
 */
public record SyncRate(String mode, long limit, boolean paused) {
}
