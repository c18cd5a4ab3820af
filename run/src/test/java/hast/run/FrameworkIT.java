package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import javax.inject.Inject;

import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.device.HastDevice;
import hast.api.transport.Transport;

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
        assertEquals(0, gogo("hastctl:create -c " + conf + " itres").exit());

        ServiceRegistration<Object> launcher = Container.startDaemon(context, "-F", "-c", conf.toString());
        try {
            HastNode node = await(HastNode.class, null);
            assertEquals(Role.INIT, node.resource("itres").orElseThrow().role());
            // hast.shell opens it once the node is published.
            Node.awaitTrue("the control socket", () -> Files.exists(dir.resolve("ctl.sock")));

            Gogo.Result role = gogo("hastctl:role primary itres");
            assertEquals(role.err(), 0, role.exit());
            HastDevice device = await(HastDevice.class, "(" + HastDevice.NAME + "=itres)");
            assertTrue(device.size() > 0 && device.size() < (64 << 20));

            Gogo.Result status = gogo("hastctl:status");
            assertEquals(status.err(), 0, status.exit());
            assertTrue(status.out(), status.out().contains("itres") && status.out().contains("primary"));

            // The console shows the configurations hastd wrote, and will not change them: the next
            // reload would write them again from the file.
            Gogo.Result config = gogo("hast:config itres");
            assertEquals(config.err(), 0, config.exit());
            assertTrue(config.out(),
                    config.out().startsWith("hast.resource~itres (HAST resource, from " + conf + ")\n"));
            assertTrue(config.out(), config.out().matches(
                    "(?s).*\n  local +" + Pattern.quote(dir.resolve("disk.img").toString()) + " +string +.*"));
            assertTrue(config.out(), config.out().matches(
                    "(?s).*\n  replication +memsync \\(default\\) +string +Replication mode\\.\n.*"));
            Gogo.Result set = gogo("hast:configure itres replication async");
            assertEquals(set.out(), 1, set.exit());
            assertTrue(set.err(), set.err().contains("hast.resource~itres is written from " + conf
                    + " by hastd, again at each reload, which would undo this change: edit that file, then run"
                    + " hastctl reload"));
            assertEquals("memsync", node.resource("itres").orElseThrow().replication());

            Gogo.Result list = gogo("hastctl:list itres");
            assertTrue(list.out(), list.out().contains("  role: primary") && list.out().contains("  provname: itres"));

            assertEquals(0, gogo("hastctl:role init itres").exit());
            assertEquals(0, context.getServiceReferences(HastDevice.class, null).size());
            Gogo.Result dump = gogo("hastctl:dump itres");
            assertTrue(dump.out(), dump.out().contains("prevrole: primary"));
        } finally {
            launcher.unregister();
        }
    }

    private Gogo.Result gogo(String line) throws Exception {
        return Gogo.run(context, line);
    }

    private <T> T await(Class<T> type, String filter) throws Exception {
        return Container.await(context, type, filter);
    }
}
