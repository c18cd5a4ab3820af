package hast.api.device;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A kernel block device that serves a primary resource, such as /dev/hast/&lt;provname&gt; leading
 * to /dev/nbd0. The bundle that made it registers one such service per device, with the
 * {@link HastDevice#RESOURCE} property, for as long as the device exists.
 */
@ProviderType
public interface DeviceNode {

    /** The path users open: /dev/hast/&lt;provname&gt;. */
    Path path();

    /** The kernel device it leads to, e.g. /dev/nbd0. */
    Path target();
}
