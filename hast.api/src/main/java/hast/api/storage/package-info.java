/** Local storage of a resource: the provider that holds metadata, activemap and data, and the factories that open it. */
@Export
@Version("1.3.0")
package hast.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
