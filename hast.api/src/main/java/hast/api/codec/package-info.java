/** Compressors and checksums applied to replicated data frames. */
@Export
@Version("1.1.0")
package hast.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
