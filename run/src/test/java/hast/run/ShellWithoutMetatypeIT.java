package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * hast.shell in a framework without Metatype, neither its service nor its package (Felix's Event
 * Admin exports that package too, so it goes, and hast.hooks, which needs Event Admin, with it):
 * the bundle resolves and serves hastctl, and hast:config says what it lacks rather than print
 * values it cannot tell secret from plain.
 */
@RunWith(PaxExam.class)
public class ShellWithoutMetatypeIT {
    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurations;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Path.of(System.getProperty("hast.build.dir")).resolve("it/nometatype");
        Files.createDirectories(dir);
        return Container.options(dir, "org.apache.felix.metatype", "org.apache.felix.eventadmin", "hast.hooks");
    }

    @Test
    public void hastctlServesAndHastConfigSaysWhatItLacks() throws Exception {
        Bundle shell = Arrays.stream(context.getBundles()).filter(b -> "hast.shell".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        assertEquals(Bundle.ACTIVE, shell.getState());
        assertTrue("no bundle exports the Metatype API here", shell.adapt(BundleWiring.class)
                .getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .noneMatch(w -> "org.osgi.service.metatype".equals(
                        w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))));
        assertNull(context.getServiceReference("org.osgi.service.metatype.MetaTypeService"));

        Gogo.Result help = Gogo.run(context, "hastctl:help");
        assertEquals(help.err(), 0, help.exit());
        assertTrue(help.out(), help.out().contains("usage: hastctl"));

        Hashtable<String, Object> resource = new Hashtable<>();
        resource.put("resource", "m");
        resource.put("local", "/nonexistent/m.img");
        resource.put("shared-secret", "never-shown-secret");
        org.osgi.service.cm.Configuration c = configurations.getFactoryConfiguration("hast.resource", "m", "?");
        c.update(resource);
        try {
            Gogo.Result config = Gogo.run(context, "hast:config");
            assertEquals(config.out(), 1, config.exit());
            assertTrue(config.err(), config.err().contains("No Metatype service: it describes each keyword and tells"
                    + " which one is secret"));
        } finally {
            c.delete();
        }
    }
}
