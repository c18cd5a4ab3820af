package hast.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * An OSGi framework started as an appliance would start one, for EngineIT's peer in a JVM of its
 * own: whatever framework is on the class path, the bundles it is given, and Felix FileInstall
 * reading configurations from a folder. It registers nothing itself, in particular not the
 * {@code launcher.arguments} service that hastd's shell needs, so only Configuration Admin
 * configures the engine there.
 *
 * <p>On SIGTERM it stops the framework, so the engine releases its resources as on any framework
 * stop; first it prints the object classes of every registered service, one {@code service} line
 * each, which is how the test sees from outside what ran inside.
 */
final class PlainFramework {
    static final String SERVICE_LINE = "service ";
    private static final long STOP_MILLIS = 20_000;

    private PlainFramework() {
    }

    /** {@code <storage folder> <configuration folder> <bundle jar or folder of jars>...} */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PlainFramework <storage folder> <configuration folder> <bundle jar or folder>...");
            System.exit(64);
        }
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(Map.of(
                        Constants.FRAMEWORK_STORAGE, args[0],
                        Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                        "felix.fileinstall.dir", args[1],
                        "felix.fileinstall.noInitialDelay", "true",
                        // A changed file is a reload; the test waits for it, so it is seen soon.
                        "felix.fileinstall.poll", "200"));
        framework.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "plain-framework-stop"));
        try {
            start(framework.getBundleContext(), List.of(args).subList(2, args.length));
        } catch (BundleException | IOException e) {
            System.err.println("Unable to start the bundles: " + e.getMessage());
            System.exit(70);
        }
        framework.waitForStop(0);
    }

    /** Installs the jars, then starts every bundle that is no fragment. */
    private static void start(BundleContext context, List<String> jarsOrFolders) throws BundleException, IOException {
        List<Bundle> installed = new ArrayList<>();
        for (String path : jarsOrFolders) {
            for (Path jar : jars(Path.of(path))) {
                installed.add(context.installBundle(jar.toUri().toString()));
            }
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
    }

    private static List<Path> jars(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void stop(Framework framework) {
        try {
            ServiceReference<?>[] services = framework.getBundleContext().getAllServiceReferences(null, null);
            for (ServiceReference<?> s : services == null ? new ServiceReference<?>[0] : services) {
                System.out.println(SERVICE_LINE + String.join(",", (String[]) s.getProperty(Constants.OBJECTCLASS)));
            }
            System.out.flush();
            framework.stop();
            framework.waitForStop(STOP_MILLIS);
        } catch (Exception e) {
            System.err.println("Stopping the framework failed: " + e);
        }
    }

    /** The command line that runs this class's main with {@code args}, in this build's JVM and Felix. */
    static List<String> command(List<String> args) {
        Path build = Node.BUILD;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", build.resolve("test-classes") + File.pathSeparator + build.resolve("plain/org.apache.felix.framework.jar"),
                PlainFramework.class.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
