/** A primary resource seen as a block device, for the bundles that export it (NBD). */
@Export
@Version("1.0.0")
package hast.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
