package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.NodeAdmin;
import hast.api.control.ResourceInfo;
import hast.api.device.HastDevice;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Two engines without hastd's shell, each configured only through Configuration Admin, replicate
 * to each other: no launcher arguments, no hast.conf read by an engine. The primary runs in Pax
 * Exam's framework and is configured through {@link ConfigurationAdmin}, as an appliance's console
 * would; its peer is a second, plain framework in a JVM of its own ({@link PlainFramework}: Pax
 * Exam's native container runs one framework per test JVM), configured by FileInstall's .cfg files
 * as README promises, and driven with the run's hastctl through the control socket its hast.shell
 * serves. This is a system test because only frameworks holding every bundle show the engine needs
 * nothing of the shell.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EngineIT {
    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurations;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private NodeAdmin admin;

    @Inject
    private MetaTypeService metatype;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() throws IOException {
        Path dir = Path.of(System.getProperty("hast.build.dir")).resolve("it/engine");
        Files.createDirectories(dir);
        return Container.options(dir);
    }

    @Test
    public void configuredThroughConfigurationAdminItReplicatesToAPeerConfiguredThroughFileInstall() throws Exception {
        Path dir = Path.of(context.getProperty("hast.it.dir"));
        int primaryPort = Node.freePort();
        int secondaryPort = Node.freePort();
        Path primaryDisk = Node.disk(dir.resolve("primary.img"), 16 << 20);
        Path secondaryDisk = Node.disk(dir.resolve("secondary.img"), 16 << 20);
        Path peerControl = dir.resolve("peer.sock");

        // Metadata is written by the administration tool, which reads a file; the engine will not.
        Path adminConf = Files.writeString(dir.resolve("admin.conf"), String.join("\n",
                "resource r {", "  on " + System.getenv("HAST_NODE") + " {", "    local " + primaryDisk,
                "    remote none", "  }", "}", ""));
        admin.create(adminConf, "r", 1 << 20, 0, 0);
        // The peer's administration file: for hastctl only (create, and the control socket for role).
        Path peerConf = Files.writeString(dir.resolve("peer.conf"), String.join("\n",
                "control uds://" + peerControl,
                "resource r {", "  on peer {", "    local " + secondaryDisk,
                "    remote tcp://127.0.0.1:" + primaryPort, "  }", "}", ""));
        Node peer = new Node("peer", dir, peerConf);
        peer.ctl("create", "-e", "1M", "r").expect(0);

        // The peer's engine reads only what FileInstall puts into Configuration Admin.
        Path peerConfigs = Files.createDirectories(dir.resolve("peer-configs"));
        Files.writeString(peerConfigs.resolve("hast.node.cfg"), String.join("\n",
                "control = uds://" + peerControl,
                "listen = tcp4://127.0.0.1:" + secondaryPort, ""));
        Files.writeString(peerConfigs.resolve("hast.resource-r.cfg"), String.join("\n",
                "resource = r",
                "local = " + secondaryDisk,
                "remote = tcp://127.0.0.1:" + primaryPort,
                "export = uds://" + dir.resolve("peer-nbd.sock"), ""));
        Process framework = startPeerFramework(dir, peerConfigs);
        try {
            Node.awaitTrue("the peer's control socket", () -> alive(framework, dir) && Files.exists(peerControl));
            // Its resource may come a configuration after the node's: the role is set once it is there.
            Node.awaitTrue("resource r secondary on the peer", () -> alive(framework, dir)
                    && ctl(peer, "role", "secondary", "r").exit() == 0);

            assertEquals("hastd's shell stays inactive without the launcher's arguments", 0, active("Hastd"));
            Hashtable<String, Object> resource = new Hashtable<>();
            resource.put("resource", "r");
            resource.put("local", primaryDisk.toString());
            resource.put("remote", "tcp://127.0.0.1:" + secondaryPort);
            resource.put("replication", "fullsync");
            resource.put("timeout", 5);
            resource.put("export", "uds://" + dir.resolve("nbd.sock"));
            configurations.getFactoryConfiguration("hast.resource", "r", "?").update(resource);
            // A configuration the engine cannot read (a half-written file, a console's slip) is left
            // out, named in the log, rather than keeping the engine and r from starting.
            Hashtable<String, Object> nameless = new Hashtable<>();
            nameless.put("local", dir.resolve("nameless.img").toString());
            org.osgi.service.cm.Configuration bad = configurations.getFactoryConfiguration("hast.resource", "nameless", "?");
            bad.update(nameless);
            Hashtable<String, Object> node = new Hashtable<>();
            node.put("control", "uds://" + dir.resolve("ctl.sock"));
            node.put("listen", new String[] {"tcp4://127.0.0.1:" + primaryPort});
            configurations.getConfiguration("hast.node", "?").update(node);

            HastNode engine = Container.await(context, HastNode.class, null);
            assertEquals(List.of("r"), engine.resources().stream().map(ResourceInfo::name).toList());
            bad.delete();
            engine.setRole("r", Role.PRIMARY, false);
            HastDevice device = Container.await(context, HastDevice.class, "(" + HastDevice.NAME + "=r)");
            byte[] written = new byte[4096];
            byte[] mark = ("written on the primary of " + getClass().getSimpleName()).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < written.length; i += mark.length) {
                System.arraycopy(mark, 0, written, i, Math.min(mark.length, written.length - i));
            }
            device.write(3 << 20, ByteBuffer.wrap(written), true).toCompletableFuture().get(30, TimeUnit.SECONDS);
            // fullsync: there once the write completed, or by the synchronisation if the link came up later.
            Node.awaitTrue("the bytes on the secondary's disk file", () -> {
                try {
                    return contains(secondaryDisk, written);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });

            // A configuration change is a reload, on either side: a second resource comes, then goes.
            Hashtable<String, Object> second = new Hashtable<>();
            second.put("resource", "s");
            second.put("local", dir.resolve("second.img").toString());
            second.put("remote", "none");
            org.osgi.service.cm.Configuration s = configurations.getFactoryConfiguration("hast.resource", "s", "?");
            s.update(second);
            Node.awaitTrue("resource s configured", () -> engine.resource("s").isPresent());
            s.delete();
            Node.awaitTrue("resource s gone", () -> engine.resource("s").isEmpty());
            reloadsFromFiles(peer, framework, peerConfigs);
            assertEquals(Role.PRIMARY, engine.resource("r").orElseThrow().role());
            engine.setRole("r", Role.INIT, false);

            stopsWithoutTheShell(framework, dir);
        } finally {
            if (framework.isAlive()) {
                framework.destroyForcibly().waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            configurations.getConfiguration("hast.node", "?").delete();
        }
    }

    /**
     * Gogo's hast:config shows the configurations as their Metatype describes them, the secret
     * masked, and hast:configure changes one, which the engine applies as a reload.
     */
    @Test
    public void theConsoleShowsTheConfigurationsAndChangesThem() throws Exception {
        Path dir = Path.of(context.getProperty("hast.it.dir"));
        Hashtable<String, Object> resource = new Hashtable<>();
        resource.put("resource", "c");
        resource.put("local", Node.disk(dir.resolve("console.img"), 16 << 20).toString());
        resource.put("remote", "none");
        resource.put("shared-secret", "never-shown-secret");
        org.osgi.service.cm.Configuration c = configurations.getFactoryConfiguration("hast.resource", "c", "?");
        c.update(resource);
        int listen = Node.freePort();
        Hashtable<String, Object> node = new Hashtable<>();
        node.put("control", "uds://" + dir.resolve("console-ctl.sock"));
        node.put("listen", new String[] {"tcp4://127.0.0.1:" + listen});
        configurations.getConfiguration("hast.node", "?").update(node);
        try {
            HastNode engine = Container.await(context, HastNode.class, null);
            Node.awaitTrue("resource c configured", () -> engine.resource("c").isPresent());

            Gogo.Result shown = Gogo.run(context, "hast:config hast.node c");
            assertEquals(shown.err(), 0, shown.exit());
            String out = shown.out();
            assertTrue(out, out.startsWith("hast.node (HAST node)\n"));
            assertTrue(out, out.matches("(?s).*\n  listen +tcp4://127\\.0\\.0\\.1:" + listen
                    + " +string list +.*"));
            assertTrue(out, out.matches(
                    "(?s).*\n  pidfile +/var/run/hastd\\.pid \\(default\\) +string +Pidfile .*"));
            assertTrue(out, out.matches("(?s).*\n  user +- +string +.*"));
            assertTrue(out, out.contains("\nhast.resource~c (HAST resource)\n"));
            assertTrue(out, out.matches("(?s).*\n  shared-secret +\\*{8} +password +.*"));
            assertFalse(out, out.contains("never-shown-secret"));

            Gogo.Result set = Gogo.run(context, "hast:configure c replication async");
            assertEquals(set.err(), 0, set.exit());
            assertTrue(set.out(), set.out().startsWith("hast.resource~c: replication set to async;"));
            Node.awaitTrue("async in force", () -> "async".equals(engine.resource("c").orElseThrow().replication()));
            assertEquals("async", c.getProperties().get("replication"));

            Gogo.Result typo = Gogo.run(context, "hast:configure c replicaton fullsync");
            assertEquals(1, typo.exit());
            assertTrue(typo.err(),
                    typo.err().contains("hast.resource~c has no keyword 'replicaton' (resource, local,"));

            Gogo.Result unset = Gogo.run(context, "hast:configure -u c replication");
            assertEquals(unset.err(), 0, unset.exit());
            Node.awaitTrue("the default in force",
                    () -> "memsync".equals(engine.resource("c").orElseThrow().replication()));
            assertNull(c.getProperties().get("replication"));

            assertTrue(Gogo.run(context, "hast:configure --help").out().startsWith("usage: hast:configure"));
        } finally {
            configurations.getConfiguration("hast.node", "?").delete();
            c.delete();
        }
    }

    /** A console finds both configurations described, the secret as a password. */
    @Test
    public void metatypeDescribesTheConfigurations() {
        Bundle engine = Arrays.stream(context.getBundles()).filter(b -> "hast.engine".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        MetaTypeInformation info = metatype.getMetaTypeInformation(engine);
        assertTrue(Arrays.asList(info.getPids()).contains("hast.node"));
        assertTrue(Arrays.asList(info.getFactoryPids()).contains("hast.resource"));
        AttributeDefinition[] listen = info.getObjectClassDefinition("hast.node", null)
                .getAttributeDefinitions(ObjectClassDefinition.ALL);
        assertTrue(Arrays.stream(listen).anyMatch(a -> a.getID().equals("listen") && a.getCardinality() > 0));
        AttributeDefinition[] resource = info.getObjectClassDefinition("hast.resource", null)
                .getAttributeDefinitions(ObjectClassDefinition.ALL);
        assertTrue(Arrays.stream(resource).anyMatch(a -> a.getID().equals("shared-secret")
                && a.getType() == AttributeDefinition.PASSWORD));
        assertTrue(Arrays.stream(resource).anyMatch(a -> a.getID().equals("sync-min-rate")));
    }

    /** A .cfg added, changed and removed in the peer's FileInstall folder is applied as a reload. */
    private static void reloadsFromFiles(Node peer, Process framework, Path configs) throws Exception {
        Path file = configs.resolve("hast.resource-s.cfg");
        for (String local : List.of("peer-second.img", "peer-s.img")) {
            Path disk = peer.dir.resolve(local);
            Files.writeString(file, String.join("\n", "resource = s", "local = " + disk, "remote = none", ""));
            Node.awaitTrue("resource s on " + local + " on the peer",
                    () -> alive(framework, peer.dir) && ctl(peer, "status", "s").out().contains(disk.toString()));
        }
        Files.delete(file);
        Node.awaitTrue("resource s gone from the peer",
                () -> alive(framework, peer.dir) && ctl(peer, "status", "s").out().contains("s\tERR"));
    }

    /**
     * The peer's engine ran and its shell never did: hastd's shell would take SIGTERM itself and
     * exit 0, where the JVM's own handling exits 143; and the shell's service was never registered.
     */
    private static void stopsWithoutTheShell(Process framework, Path dir) throws Exception {
        framework.destroy();
        assertTrue("the peer's framework stops on SIGTERM", framework.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals("the peer's exit status; its log:\n" + log(dir), 128 + 15, framework.exitValue());
        List<String> services = Files.readAllLines(dir.resolve("peer.out")).stream()
                .filter(l -> l.startsWith(PlainFramework.SERVICE_LINE)).toList();
        assertTrue("the peer's engine ran: " + services,
                services.stream().anyMatch(l -> l.contains(HastNode.class.getName())));
        assertTrue("the peer's shell stayed inactive: " + services,
                services.stream().noneMatch(l -> l.contains("hast.engine.node.EngineHost")));
    }

    /**
     * The peer: a second framework with the runtime's bundles and FileInstall reading {@code configs},
     * in a JVM of its own without HAST_NODE (the engine needs no node name); its log is peer.log.
     */
    private static Process startPeerFramework(Path dir, Path configs) throws IOException {
        Path build = Node.BUILD;
        ProcessBuilder pb = new ProcessBuilder(PlainFramework.command(List.of(dir.resolve("peer-framework").toString(),
                configs.toString(), build.resolve("bundles").toString(),
                build.resolve("plain/org.apache.felix.fileinstall.jar").toString())))
                .redirectOutput(dir.resolve("peer.out").toFile()).redirectError(dir.resolve("peer.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove("HAST_NODE");
        return pb.start();
    }

    /** Whether the peer's framework still runs; if it ended, the failure shows its log. */
    private static boolean alive(Process framework, Path dir) {
        if (!framework.isAlive()) {
            throw new AssertionError("the peer's framework exited with " + framework.exitValue() + ":\n" + log(dir));
        }
        return true;
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("peer.log"));
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    /**
     * {@code hastctl subcommand -c <the node's file> args}, inside a condition. {@code status} of a
     * resource shows its local component, or {@code <name> ERR1} for one the daemon does not have,
     * as the reference's does.
     */
    private static Node.Result ctl(Node node, String subcommand, String... args) {
        try {
            return node.ctl(subcommand, args);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Active configurations of our component whose class is named {@code simpleName}. */
    private int active(String simpleName) {
        int n = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.name.endsWith("." + simpleName)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    n += c.state == ComponentConfigurationDTO.ACTIVE ? 1 : 0;
                }
            }
        }
        return n;
    }

    private static boolean contains(Path file, byte[] bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (int i = 0; i + bytes.length <= all.length; i += 512) {
            if (Arrays.equals(all, i, i + bytes.length, bytes, 0, bytes.length)) {
                return true;
            }
        }
        return false;
    }
}
