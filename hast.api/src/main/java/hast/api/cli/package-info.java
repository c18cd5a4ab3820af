/** The command lines of hastd and hastctl: one getopt for both. */
@Export
@Version("1.0.0")
package hast.api.cli;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
