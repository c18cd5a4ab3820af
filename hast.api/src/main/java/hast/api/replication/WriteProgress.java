package hast.api.replication;

/**
 * Where a write stands on its two components when a {@link ReplicationMode} is asked about it.
 *
 * @param localDone      the local write has finished
 * @param localOk        it finished successfully
 * @param remoteReceived the secondary has confirmed it holds the data in memory
 * @param remoteDone     the remote write has finished (or failed, or the remote is gone)
 * @param remoteOk       the secondary confirmed the write on its disk
 */
public record WriteProgress(boolean localDone, boolean localOk, boolean remoteReceived, boolean remoteDone,
        boolean remoteOk) {
}
