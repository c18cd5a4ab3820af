/**
 * TLS over any {@link hast.api.transport.Connection}, with X.509 credentials read from a directory
 * in qemu's {@code tls-creds-x509} layout: one implementation for every TLS of the node (the NBD
 * export's STARTTLS, the replication link).
 */
@Export
@Version("1.0.0")
package hast.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
