/**
 * A primary resource seen as a block device, for the bundles that export it (NBD), the kernel's
 * NBD client that attaches such an export as a block device, and the device nodes made that way.
 */
@Export
@Version("1.6.0")
package hast.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
