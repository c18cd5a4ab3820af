package hast.api.control;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Role;

import org.osgi.annotation.versioning.ProviderType;

/** The running daemon's resources, as the control surface sees them. */
@ProviderType
public interface HastNode {

    /** The configuration file the daemon was started with (absolute). */
    Path configPath();

    /** The address of the daemon's control socket. */
    HastAddress controlAddress();

    /** Every configured resource, in configuration-file order. */
    List<ResourceInfo> resources();

    /** One resource, if it is configured. */
    Optional<ResourceInfo> resource(String name);

    /**
     * Changes the role of a resource, draining in-flight I/O of the old role first.
     *
     * @return the previous role
     * @throws HastException when the resource is unknown or its provider cannot be opened
     */
    Role setRole(String name, Role role) throws HastException;

    /** Re-reads the configuration file; a bad file leaves the running configuration in force. */
    void reload() throws HastException;
}
