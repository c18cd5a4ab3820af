/** Replication modes: when a write is acknowledged and when its extent may become clean. */
@Export
@Version("1.1.0")
package hast.api.replication;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
