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

    /**
     * Checks a configuration file as hastd would read it on each of {@code nodes}, opening no
     * provider and no socket: every problem that would stop hastd from starting on that node, or
     * make it refuse the file at a reload.
     *
     * @param nodes the node names to read the file for (as {@code on} sections name them); none
     *              for this node and every other node that the file's resources name
     * @return one line per node for the operator, naming the file, the node and its resources
     * @throws HastException the problems found, one line each with file, line and the node, and
     *                       the status hastd would exit with for the first (78 for an invalid
     *                       file, 72 for one that cannot be read)
     * @since 2.6
     */
    List<String> check(Path config, List<String> nodes) throws HastException;
}
