package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import javax.inject.Inject;

import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.device.HastDevice;
import hast.api.transport.Transport;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The assembled runtime inside a real Felix: every bundle resolves and starts, every DS component
 * of ours is satisfied, the daemon publishes its node from a real hast.conf, and the Gogo
 * {@code hastctl} commands run against it.
 */
@RunWith(PaxExam.class)
public class FrameworkIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private NodeAdmin admin;

    @Configuration
    public Option[] config() throws IOException {
        Path build = Path.of(System.getProperty("hast.build.dir"));
        return Container.options(prepareNode(build.resolve("it/framework")));
    }

    /** A node "itnode" (HAST_NODE, set by the build) with one 64 MiB file-backed resource. */
    private static Path prepareNode(Path dir) throws IOException {
        Files.createDirectories(dir);
        Node.disk(dir.resolve("disk.img"), 64 << 20);
        Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(),
                "export uds://" + dir.resolve("nbd.sock"),
                "resource itres {",
                "  on itnode {",
                "    local " + dir.resolve("disk.img"),
                "    remote none",
                "  }",
                "}", ""));
        return dir;
    }

    @Test
    public void everyBundleIsActive() {
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders().get("Fragment-Host") == null) {
                assertEquals(b.getSymbolicName() + " is not active", Bundle.ACTIVE, b.getState());
            }
        }
    }

    @Test
    public void everyHastComponentIsSatisfied() {
        int ours = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith("hast.")) {
                continue;
            }
            ours++;
            assertTrue(d.name + " is not enabled", scr.isComponentEnabled(d));
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            // The daemon waits for the launcher's arguments, which only hast.jar provides, the
            // engine and its resources for their configurations, which the daemon writes, and the
            // control socket for the engine: all are checked once the daemon runs, below. The
            // metrics endpoint waits for metrics-listen, off by default (MetricsIT).
            if (d.name.endsWith(".Hastd") || d.name.endsWith(".HastEngine") || d.name.endsWith(".ResourceWatch")
                    || d.name.endsWith(".ControlServer") || d.name.endsWith(".MetricsEndpoint")) {
                continue;
            }
            assertEquals(d.name + " has no configuration", 1, configs.size());
            ComponentConfigurationDTO c = configs.iterator().next();
            assertTrue(d.name + " is unsatisfied: " + Arrays.toString(c.unsatisfiedReferences),
                    c.state == ComponentConfigurationDTO.ACTIVE || c.state == ComponentConfigurationDTO.SATISFIED);
        }
        assertTrue("expected the hast components, found " + ours, ours >= 5);
    }

    @Test
    public void transportsAreRegisteredByScheme() throws Exception {
        for (String scheme : List.of("tcp", "tcp4", "tcp6", "uds")) {
            Collection<ServiceReference<Transport>> refs =
                    context.getServiceReferences(Transport.class, "(" + Transport.SCHEME + "=" + scheme + ")");
            assertEquals("transports for " + scheme, 1, refs.size());
        }
    }

    @Test
    public void daemonPublishesTheNodeAndGogoRunsHastctl() throws Exception {
        Path dir = Path.of(context.getProperty("hast.it.dir"));
        Path conf = dir.resolve("hast.conf");
        assertEquals(0, gogo("hastctl:create -c " + conf + " itres").exit);

        ServiceRegistration<Object> launcher = Container.startDaemon(context, "-F", "-c", conf.toString());
        try {
            HastNode node = await(HastNode.class, null);
            assertEquals(Role.INIT, node.resource("itres").orElseThrow().role());
            // hast.shell opens it once the node is published.
            Node.awaitTrue("the control socket", () -> Files.exists(dir.resolve("ctl.sock")));

            Result role = gogo("hastctl:role primary itres");
            assertEquals(role.err, 0, role.exit);
            HastDevice device = await(HastDevice.class, "(" + HastDevice.NAME + "=itres)");
            assertTrue(device.size() > 0 && device.size() < (64 << 20));

            Result status = gogo("hastctl:status");
            assertEquals(status.err, 0, status.exit);
            assertTrue(status.out, status.out.contains("itres") && status.out.contains("primary"));

            Result list = gogo("hastctl:list itres");
            assertTrue(list.out, list.out.contains("  role: primary") && list.out.contains("  provname: itres"));

            assertEquals(0, gogo("hastctl:role init itres").exit);
            assertEquals(0, context.getServiceReferences(HastDevice.class, null).size());
            Result dump = gogo("hastctl:dump itres");
            assertTrue(dump.out, dump.out.contains("prevrole: primary"));
        } finally {
            launcher.unregister();
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs one Gogo command line; a command that fails throws, which we report as exit 1. */
    private Result gogo(String line) throws Exception {
        CommandProcessor processor = await(CommandProcessor.class, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(System.in, o, e)) {
            int exit = 0;
            try {
                Object value = session.execute(line);
                if (value != null) {
                    o.println(session.format(value, org.apache.felix.service.command.Converter.INSPECT));
                }
            } catch (Exception failure) {
                e.println(failure.getMessage());
                exit = 1;
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private <T> T await(Class<T> type, String filter) throws Exception {
        return Container.await(context, type, filter);
    }
}
