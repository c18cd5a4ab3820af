/** Value types shared by every HAST bundle: roles, addresses and errors; their thread factory; freeing a direct buffer at once. */
@Export
@Version("1.3.0")
package hast.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
