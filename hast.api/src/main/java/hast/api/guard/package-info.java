/**
 * What a listener facing strangers needs, shared by the replication listener and the NBD
 * exporter: places for connections not trusted yet, bounded in all and per address
 * ({@link hast.api.guard.Admission}), a deadline for a whole handshake
 * ({@link hast.api.guard.HandshakeDeadlines}), a deadline for every blocked write
 * ({@link hast.api.guard.WriteDeadline}), address ranges for allow lists
 * ({@link hast.api.guard.AddressRange}) and a refusal log that a flood cannot fill
 * ({@link hast.api.guard.RefusalLog}).
 */
@Export
@Version("1.0.0")
package hast.api.guard;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
