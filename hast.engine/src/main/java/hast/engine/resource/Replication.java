package hast.engine.resource;

import java.util.function.Function;

import hast.api.HastAddress;
import hast.api.replication.ReplicationMode;
import hast.api.transport.Transport;
import hast.engine.codec.Codecs;

/** The plugins a resource replicates with, as found on the whiteboard when it needs them. */
public interface Replication {

    /** Transports by address scheme; a scheme without one answers {@code null}. */
    Function<HastAddress, Transport> transports();

    /** The replication mode of that name; fullsync when it is not (or no longer) registered. */
    ReplicationMode mode(String name);

    /** The compressors and checksums registered now, with the built-in ones. */
    Codecs codecs();
}
