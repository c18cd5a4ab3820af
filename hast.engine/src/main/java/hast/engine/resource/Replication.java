package hast.engine.resource;

import java.io.IOException;
import java.util.function.Function;

import hast.api.HastAddress;
import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;
import hast.api.transport.Transport;
import hast.engine.codec.Codecs;
import hast.engine.local.LocalProviders;
import hast.engine.replication.ProtocolRange;

/** The plugins a resource replicates with, as found on the whiteboard when it needs them. */
public interface Replication {
    /** Transports by address scheme; a scheme without one answers {@code null}. */
    Function<HastAddress, Transport> transports();

    /**
     * The replication modes registered now, by name. A mode that is not (or no longer) there has
     * no other mode stand in for it (see {@code ConfiguredMode}).
     */
    ReplicationModes modes();

    /** The compressors and checksums registered now, with the built-in ones. */
    Codecs codecs();

    /**
     * The protocol versions this node speaks; the engine's compatibility tests give a node another
     * range here, to pair it with a peer of older or newer versions.
     */
    default ProtocolRange protocols() {
        return ProtocolRange.SPOKEN;
    }

    /**
     * The local provider factories registered now. Files and block devices by default, for an
     * engine built without a whiteboard; the daemon gives those its bundles register.
     */
    default LocalProviders localProviders() {
        return LocalProviders.filesOnly();
    }

    /**
     * Opens a resource's local component for a role, with the factory of its kind; the engine's
     * fault tests put a disk that fails, stalls or loses its cache here.
     */
    default LocalProvider open(String local, boolean direct) throws IOException {
        return localProviders().open(local, new LocalProviderFactory.Options(false, direct));
    }
}
