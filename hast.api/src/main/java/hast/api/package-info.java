/** Value types shared by every HAST bundle: roles, addresses and errors. */
@Export
@Version("1.1.0")
package hast.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
