/**
 * Helpers for fuzz targets and their seed inputs: a connection that replays bytes in pieces, a
 * heap budget that catches a parser trusting an announced size, and the checked-in seed corpus
 * that Jazzer replays in every build.
 */
@Export
@Version("1.0.0")
package hast.testkit.fuzz;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
