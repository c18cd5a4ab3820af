/** One JSON writer for every bundle: hastctl's documents, the events' one schema, hooks' lines. */
@Export
@Version("1.0.0")
package hast.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
