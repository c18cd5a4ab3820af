/** The engine's services for the control surface (hastctl): resource state, roles, metadata. */
@Export
@Version("2.9.0")
package hast.api.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
