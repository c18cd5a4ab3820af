/**
 * Contract suites for plug-in authors. A plug-in's test extends the suite of the SPI it
 * implements and says how to make the plug-in; the suite then checks what the engine relies on:
 * heap and direct buffers, positions left alone, concurrent use, hostile input.
 */
@Export
@Version("1.2.0")
package hast.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
