package hast.api.control;

/**
 * Request counters of one resource since its role last changed. Error counters count local-disk
 * failures only (including activemap writes and flushes).
 */
public record Statistics(long reads, long writes, long deletes, long flushes, long activemapUpdates,
        long readErrors, long writeErrors, long deleteErrors, long flushErrors) {

    public static final Statistics ZERO = new Statistics(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
