package hast.run;

import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackage;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;

import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The Pax Exam container of the in-framework tests: the runtime's bundles and Pax Exam's own,
 * all from files the build copied (no network), and the daemon started as hast.jar starts it.
 */
final class Container {
    static final long WAIT_MILLIS = 20_000;

    private Container() {
    }

    /**
     * The options of a container whose tests find {@code nodeDir} in the property {@code hast.it.dir}.
     *
     * @param leftOut the runtime's bundles this container goes without, by the start of their file names
     */
    static Option[] options(Path nodeDir, String... leftOut) {
        Path build = Path.of(System.getProperty("hast.build.dir"));
        List<Option> options = new ArrayList<>(List.of(
                bootDelegationPackage("sun.*"),
                frameworkStartLevel(Constants.START_LEVEL_TEST_BUNDLE),
                systemProperty("pax.exam.invoker").value("junit"),
                systemProperty("hast.it.dir").value(nodeDir.toString()),
                cleanCaches(true)));
        for (File jar : jars(build.resolve("paxexam"))) {
            options.add(bundle(jar.toURI().toString()).startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES));
        }
        for (File jar : jars(build.resolve("bundles"))) {
            if (Arrays.stream(leftOut).noneMatch(jar.getName()::startsWith)) {
                options.add(bundle(jar.toURI().toString()));
            }
        }
        return options.toArray(new Option[0]);
    }

    /** A jar the build left in {@code target/extra} for tests to install at run time. */
    static Path extraBundle(String name) {
        return Path.of(System.getProperty("hast.build.dir"), "extra", name + ".jar");
    }

    private static List<File> jars(Path dir) {
        File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(".jar"));
        if (files == null) {
            throw new AssertionError("missing " + dir);
        }
        Arrays.sort(files);
        return List.of(files);
    }

    /** Starts the daemon as hast.jar's launcher does: by registering the command line. */
    static ServiceRegistration<Object> startDaemon(BundleContext context, String... args) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("launcher.arguments", args);
        return context.registerService(Object.class, new Object(), props);
    }

    static <T> T await(BundleContext context, Class<T> type, String filter) throws Exception {
        ServiceTracker<T, T> tracker = filter == null ? new ServiceTracker<>(context, type, null)
                : new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        tracker.open();
        try {
            T service = tracker.waitForService(WAIT_MILLIS);
            if (service == null) {
                throw new AssertionError("no " + type.getSimpleName() + " service within " + WAIT_MILLIS + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }
}
