/** Events raised by resources, delivered to hook bundles on the whiteboard. */
@Export
@Version("1.4.0")
package hast.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
