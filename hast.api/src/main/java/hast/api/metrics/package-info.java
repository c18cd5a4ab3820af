/**
 * What the engine counts for a metrics exporter beyond what the control surface shows: bytes by
 * request type, write latency distributions, connections and split-brains, each kept since the
 * daemon started (never reset by a role change, as a monitoring system's counters must not be).
 */
@Export
@Version("1.0.0")
package hast.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
