/** Local storage of a resource: the provider that holds metadata, activemap and data. */
@Export
@Version("1.1.0")
package hast.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
