/** Value types shared by every HAST bundle: roles, addresses and errors; their thread factory. */
@Export
@Version("1.2.0")
package hast.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
