package hast.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.BundleActivator;

/**
 * A test bundle packed from this module's compiled test classes: one package holding a bundle
 * activator, with a hand-written manifest. Plain registrations rather than DS keep such a bundle
 * to what a test can pack without bnd, as a third party's plug-in is installed into a running
 * daemon.
 */
final class FixtureBundle {
    private FixtureBundle() {
    }

    /**
     * Packs {@code activator}'s package (its classes, not its subpackages) into {@code target}.
     *
     * @param imports the bundle's Import-Package header
     */
    static Path pack(Path target, String symbolicName, Class<? extends BundleActivator> activator, String imports)
            throws IOException {
        // From the build's folder, not the class's code source: inside a Pax Exam container that is the probe bundle.
        Path classes = Node.BUILD.resolve("test-classes");
        String folder = activator.getPackageName().replace('.', '/');
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", activator.getName());
        main.putValue("Import-Package", imports);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest);
                Stream<Path> files = Files.list(classes.resolve(folder))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(folder + "/" + f.getFileName()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return target;
    }
}
