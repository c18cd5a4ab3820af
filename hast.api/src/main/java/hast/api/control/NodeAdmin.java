package hast.api.control;

import java.nio.file.Path;
import java.util.List;

import hast.api.HastAddress;
import hast.api.HastException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Operations on this node's configuration file and local providers that need no running daemon
 * ({@code hastctl create} and {@code dump}, and finding the control socket). Besides being a
 * service, the engine offers it through {@link java.util.ServiceLoader} for the command-line client.
 */
@ProviderType
public interface NodeAdmin {

    /** The names of the configured resources, in file order. */
    List<String> resourceNames(Path config) throws HastException;

    /** The control socket address this node's daemon listens on. */
    HastAddress controlAddress(Path config) throws HastException;

    /**
     * Initialises the metadata and activemap of a resource's local provider.
     *
     * @param extentsize bytes per extent, 0 for the default
     * @param keepdirty  extents kept dirty, 0 for the default
     * @param mediasize  bytes of the provider to use, 0 for all of it
     */
    MetadataInfo create(Path config, String resource, long extentsize, long keepdirty, long mediasize)
            throws HastException;

    /** Reads the metadata of a resource's local provider. */
    MetadataInfo dump(Path config, String resource) throws HastException;
}
