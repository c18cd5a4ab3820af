package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;
import hast.api.device.HastDevice;
import hast.run.modefixture.QuorumActivator;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Replication modes as bundles in a running framework: the reference's modes stopped under a
 * primary (writes refused, a problem line and a count, healed by the start), and a fourth mode
 * installed from a test bundle and selected by {@code hastctl reload}. In-framework, because what
 * is tested is bundles coming and going under a running daemon; one node with {@code remote none}
 * keeps it short, as the pair's side is the engine's MissingModeTest.
 */
@RunWith(PaxExam.class)
public class ModePluginIT {
    private static final String REFUSING = "replication mode %s is not available on this node; writes refused";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Path.of(System.getProperty("hast.build.dir"), "it", "modes");
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Node.disk(dir.resolve("itnode.img"), 8 << 20);
        Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "replication fullsync",
                "on itnode { control uds://" + dir.resolve("itnode.ctl") + " listen tcp4://127.0.0.1:" + Node.freePort()
                        + " export uds://" + dir.resolve("itnode.nbd") + " }",
                "resource modes {",
                "  on itnode { local " + dir.resolve("itnode.img") + " remote none }",
                "}", ""));
        return Container.options(dir);
    }

    @Test
    public void modeBundlesComeAndGoUnderAPrimaryAndAFourthIsSelectedByReload() throws Exception {
        Path dir = Path.of(context.getProperty("hast.it.dir"));
        Path conf = dir.resolve("hast.conf");
        Node cli = new Node("itnode", dir, conf);
        cli.ctl("create", "modes").expect(0);
        ServiceRegistration<Object> launcher = Container.startDaemon(context, "-F", "-c", conf.toString());
        try {
            HastNode node = Container.await(context, HastNode.class, null);
            node.setRole("modes", Role.PRIMARY);
            HastDevice device = Container.await(context, HastDevice.class, "(" + HastDevice.NAME + "=modes)");
            write(device);

            // The reference's modes stopped, as from the console: refused, never another mode.
            Bundle modes = bundle("hast.replication");
            modes.stop();
            assertRefused(device, String.format(REFUSING, "fullsync"));
            String list = cli.ctl("list", "modes").expect(Node.DEGRADED).out();
            assertTrue(list, list.contains("  problem: " + String.format(REFUSING, "fullsync") + "\n"));
            assertTrue(list, list.contains("    mode refusals: 1\n"));
            modes.start();
            write(device);
            assertNull(info(node).problem());

            // A mode this node has never heard of: the reload is refused, the running mode stays.
            Files.writeString(conf, Files.readString(conf).replace("replication fullsync", "replication quorum"));
            Node.Result refused = cli.ctl("reload");
            assertEquals(refused.err(), Sysexits.EX_CONFIG, refused.exit());
            assertTrue(refused.err(), refused.err().contains("resource modes: Unknown replication mode 'quorum'"
                    + " (known here: async, fullsync, memsync)"));
            assertEquals("fullsync", info(node).replication());

            // Installed from a third party's bundle, it is valid at once and a reload selects it.
            Bundle quorum = context.installBundle(FixtureBundle.pack(dir.resolve("quorum.jar"), "hast.run.modefixture",
                    QuorumActivator.class, "hast.api.replication;version=\"[1.1,2)\",org.osgi.framework").toUri()
                    .toString());
            quorum.start();
            cli.ctl("reload").expect(0);
            assertEquals(QuorumActivator.NAME, info(node).replication());
            write(device);
            // The engine uses it by name: stopped, it is the one missing.
            quorum.stop();
            assertRefused(device, String.format(REFUSING, QuorumActivator.NAME));
            quorum.start();
            write(device);
            assertNull(info(node).problem());
            assertEquals(2, info(node).statistics().modeRefusals());
            node.setRole("modes", Role.INIT);
        } finally {
            launcher.unregister();
        }
    }

    private static void write(HastDevice device) throws Exception {
        device.write(0, ByteBuffer.wrap(new byte[4096]), false).toCompletableFuture()
                .get(Container.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void assertRefused(HastDevice device, String problem) throws Exception {
        try {
            write(device);
        } catch (ExecutionException e) {
            assertEquals(problem, e.getCause().getMessage());
            return;
        }
        throw new AssertionError("a write was acknowledged with no mode: " + problem);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static ResourceInfo info(HastNode node) {
        return node.resource("modes").orElseThrow();
    }
}
