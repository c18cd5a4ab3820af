/** Connections between nodes and to clients, chosen by address scheme. */
@Export
@Version("1.2.0")
package hast.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
