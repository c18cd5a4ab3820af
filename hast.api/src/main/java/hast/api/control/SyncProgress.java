package hast.api.control;

/**
 * A synchronisation under way.
 *
 * @param total        bytes to copy when the pass started
 * @param done         bytes copied so far
 * @param bytesPerSecond average rate of this pass
 */
public record SyncProgress(long total, long done, long bytesPerSecond) {

    /** Percent done, 0 to 100. */
    public int percent() {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    /** Seconds left at the current rate, or -1 when no rate is known yet. */
    public long secondsLeft() {
        return bytesPerSecond <= 0 ? -1 : Math.max(0, total - done) / bytesPerSecond;
    }
}
