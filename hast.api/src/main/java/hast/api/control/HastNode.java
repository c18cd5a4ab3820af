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
     * The status of a {@link HastException} refusing to promote a copy that is not
     * {@linkplain Consistency#CONSISTENT consistent}: hastctl's exit status then.
     */
    int INCONSISTENT = 3;

    /**
     * Changes the role of a resource, draining in-flight I/O of the old role first; refuses to
     * make an inconsistent copy primary.
     *
     * @return the previous role
     * @throws HastException when the resource is unknown or its provider cannot be opened, or
     *                       with status {@link #INCONSISTENT} when {@code role} is primary and
     *                       the copy is not consistent
     */
    default Role setRole(String name, Role role) throws HastException {
        return setRole(name, role, false);
    }

    /**
     * Changes the role of a resource, draining in-flight I/O of the old role first.
     *
     * @param force make the copy primary even when it is not consistent: the operator takes the
     *              risk of serving a half-copied disk, and the copy becomes the reference
     * @return the previous role
     * @throws HastException when the resource is unknown or its provider cannot be opened, or
     *                       with status {@link #INCONSISTENT} when {@code role} is primary, the copy
     *                       is not consistent and {@code force} is false
     */
    Role setRole(String name, Role role, boolean force) throws HastException;

    /**
     * Compares the primary's copy of a resource with the secondary's, extent by extent, while
     * clients go on: each extent is held against writes while both sides digest it with the
     * resource's checksum (SHA-256 when it is {@code none}). Differing extents are marked dirty
     * and a synchronisation pass is started, which copies them from the primary.
     *
     * @param progress told after each extent
     * @throws HastException when the resource is unknown (status 1), is not primary here or is
     *                       not connected to its secondary (69), or the comparison failed part
     *                       way, e.g. because the connection was lost (69)
     */
    Verification verify(String name, VerifyProgress progress) throws HastException;

    /**
     * Recovers from a split-brain on the node whose writes since the two parted are to be given
     * up: the primary's next connection then copies only the extents either node wrote since
     * (both activemaps say which), not the whole disk.
     *
     * @return what was done, for the operator
     * @throws HastException when the resource is unknown (1), is not secondary here or has not
     *                       refused its primary for a split-brain (69), or the metadata cannot be
     *                       written (74); nothing is changed then
     * @since 2.4
     */
    String discard(String name) throws HastException;

    /**
     * Pauses the synchronisation under way on a primary: the extents in flight finish, then no
     * more are copied until {@link #resumeSync}; the resource stays degraded meanwhile.
     *
     * @return what was done, for the operator
     * @throws HastException when the resource is unknown (1), or is not primary here or runs no
     *                       synchronisation (69)
     * @since 2.7
     */
    String pauseSync(String name) throws HastException;

    /**
     * Resumes a synchronisation paused by {@link #pauseSync}, where it stopped.
     *
     * @return what was done, for the operator
     * @throws HastException when the resource is unknown (1), or is not primary here or has no
     *                       paused synchronisation (69)
     * @since 2.7
     */
    String resumeSync(String name) throws HastException;

    /** Re-reads the configuration file; a bad file leaves the running configuration in force. */
    void reload() throws HastException;
}
