package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import hast.run.fixture.FixtureActivator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks with real daemons: hast.conf's exec program on every event of a two-node life, its exit
 * and long-run reports, and hook bundles dropped into the HASTD_BUNDLES folder of a running
 * daemon (installed, updated, uninstalled, misbehaving) without a restart.
 */
class HooksIT {
    private static final int MIB = 1 << 20;
    private static final Path JSONLOG = Container.extraBundle("hast.hooks.jsonlog");
    private static final String JSONLOG_HOOK = "\"hook\":\"hast.hooks.jsonlog ";

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private StallingProxy proxy;
    /** The role the single node was last given by {@link #toggle}. */
    private String soloRole = "init";
    /** The single node's NBD port. */
    private int soloNbd;

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            n.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theExecProgramSeesEveryEventOfATwoNodeLifeWithItsArguments() throws Exception {
        Path hook = script("hook.sh", "printf '%s\\n' \"$*\" >> " + dir + "/hook-$HAST_NODE.txt\n");
        PairConf pair = new PairConf(dir);
        proxy = new StallingProxy(pair.listenBeta);
        int nbdAlpha = pair.nbdAlpha;
        int nbdBeta = pair.nbdBeta;
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), proxy.port(), "exec " + hook, "timeout 5");
        Node alpha = node("alpha", conf);
        Node beta = node("beta", conf);

        // A primary writing alone, then a secondary joining: a synchronisation, cut in the middle
        // by a stalled link, then resumed.
        alpha.ctl("role", "primary", "r0").expect(0);
        alpha.qemuIo(nbdAlpha, "write -P 0x41 0 32M").expect(0);
        proxy.stallAfter(8 * MIB);
        beta.ctl("role", "secondary", "r0").expect(0);
        awaitHooks(alpha, "role r0 init primary", "connect r0", "syncstart r0", "disconnect r0", "syncintr r0");
        awaitHooks(beta, "role r0 init secondary", "connect r0", "disconnect r0");
        proxy.heal();
        awaitHooks(alpha, "connect r0", "connect r0", "syncstart r0", "syncstart r0", "syncdone r0");
        awaitHooks(beta, "connect r0", "connect r0");
        awaitComplete(alpha);

        // Our own events: a verification of the clean pair, then a reload.
        alpha.ctl("verify", "r0").expect(0);
        Node.awaitTrue("verify-done r0 0 <extents compared> from the exec hook",
                () -> lines(dir.resolve("hook-alpha.txt")).anyMatch(l -> l.matches("verify-done r0 0 6[34]")));
        alpha.ctl("reload").expect(0);
        awaitHooks(alpha, "reload r0");

        // A lost secondary, then both sides writing alone: split-brain.
        beta.crash();
        awaitHooks(alpha, "disconnect r0", "disconnect r0");
        alpha.qemuIo(nbdAlpha, "write -P 0x31 0 1M").expect(0);
        alpha.ctl("role", "init", "r0").expect(0);
        beta.start();
        beta.ctl("role", "primary", "r0").expect(0);
        beta.qemuIo(nbdBeta, "write -P 0x32 0 1M").expect(0);
        alpha.ctl("role", "secondary", "r0").expect(0);
        awaitHooks(alpha, "role r0 primary init", "role r0 init secondary", "split-brain r0");
        awaitHooks(beta, "role r0 init primary", "split-brain r0");
        beta.ctl("role", "secondary", "r0").expect(0);
        awaitHooks(beta, "role r0 primary secondary");
    }

    @Test
    void aHookStillRunningIsReportedAndItsExitIsLoggedAsTheReferenceDoes() throws Exception {
        Path go = dir.resolve("go");
        Path hook = script("hook.sh", "case \"$1 $3 $4\" in\n"
                + "'role init primary') while [ ! -e " + go + " ]; do sleep 0.05; done ;;\n"
                + "'role primary init') exit 3 ;;\n"
                + "esac\n");
        Node solo = solo("exec " + hook).env("HASTD_JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dhast.hooks.report.seconds=1");
        solo.start("-d");
        solo.ctl("role", "primary", "r0").expect(0);
        String primary = Pattern.quote(hook + " role r0 init primary");
        awaitLog(solo, "\\[WARNING\\] Hook is running for \\d+ seconds \\(pid=\\d+, cmd=\\[" + primary + "\\]\\)\\.");
        Files.createFile(go);
        awaitLog(solo, "Hook exited gracefully \\(pid=\\d+, cmd=\\[" + primary + "\\]\\)\\.");
        solo.ctl("role", "init", "r0").expect(0);
        awaitLog(solo, "\\[ERROR\\] Hook exited ungracefully \\(pid=\\d+, exitcode=3, cmd=\\["
                + Pattern.quote(hook + " role r0 primary init") + "\\]\\)\\.");
    }

    @Test
    void aHookBundleIsInstalledUpdatedAndUninstalledWhileTheDaemonRuns() throws Exception {
        Path bundles = Files.createDirectory(dir.resolve("bundles"));
        Path events = dir.resolve("events.jsonl");
        Path hookLines = dir.resolve("hook.txt");
        Path hook = script("hook.sh", "printf '%s\\n' \"$*\" >> " + hookLines + "\n");
        Node solo = solo("exec " + hook).env("HASTD_BUNDLES", bundles.toString())
                .env("HASTD_JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dhast.jsonlog.file=" + events);
        solo.start();

        Files.copy(JSONLOG, bundles.resolve("jsonlog.jar"));
        probe(solo, "the installed hook bundle writing events", () -> lines(events).anyMatch(l -> l.startsWith(
                "{\"type\":\"role\",\"resource\":\"r0\",\"details\":[\"init\",\"secondary\"],\"time\":\"")
                && l.endsWith(",\"exec\":\"" + hook + "\"," + JSONLOG_HOOK + "0.1.0.SNAPSHOT\"}")));

        Path rebuilt = withVersion(JSONLOG, "0.1.1", dir.resolve("jsonlog-0.1.1.jar"));
        Files.move(rebuilt, bundles.resolve("jsonlog.jar"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        probe(solo, "the updated hook bundle writing events", () -> lines(events).anyMatch(l -> l.contains(
                JSONLOG_HOOK + "0.1.1\"")));
        long before = lines(events).count();
        toggle(solo);
        Node.awaitTrue("one more line", () -> lines(events).count() > before);
        assertTrue(lines(events).skip(before).allMatch(l -> l.contains(JSONLOG_HOOK + "0.1.1\"")));

        Files.delete(bundles.resolve("jsonlog.jar"));
        awaitLog(solo, "Uninstalling bundle \\d+ \\(hast\\.hooks\\.jsonlog\\)");
        toggleSeenByTheExecHook(solo, hookLines);
        long afterUninstall = lines(events).count();
        toggleSeenByTheExecHook(solo, hookLines);
        toggleSeenByTheExecHook(solo, hookLines);
        assertEquals(afterUninstall, lines(events).count(), "an uninstalled hook bundle gets no event");

        assertTrue(solo.daemon().isAlive());
        assertEquals(1, Pattern.compile("Started successfully").matcher(solo.logText()).results().count(),
                "the daemon never restarted:\n" + solo.logText());
    }

    @Test
    void aThrowingAndAHangingListenerStallNeitherIONorTheOtherListeners() throws Exception {
        Path bundles = Files.createDirectory(dir.resolve("bundles"));
        Path events = dir.resolve("events.jsonl");
        Path posted = dir.resolve("eventadmin.txt");
        Path hookLines = dir.resolve("hook.txt");
        Path hook = script("hook.sh", "printf '%s\\n' \"$*\" >> " + hookLines + "\n");
        Node solo = solo("exec " + hook).env("HASTD_BUNDLES", bundles.toString())
                .env("HASTD_JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m -Dhast.jsonlog.file=" + events + " -D"
                        + FixtureActivator.RECORD + "=" + posted);
        solo.start();
        Files.copy(fixtureBundle(dir.resolve("fixture.jar")), bundles.resolve("fixture.jar"));
        Files.copy(JSONLOG, bundles.resolve("jsonlog.jar"));
        probe(solo, "both bundles receiving events", () -> lines(events).findAny().isPresent()
                && lines(posted).anyMatch(l -> l.startsWith("hast/role r0 ")));
        if (soloRole.equals("secondary")) {
            toggle(solo); // back to init: the next role change is init to primary
        }

        solo.ctl("role", "primary", "r0").expect(0);
        solo.qemuIo(soloNbd, "write -P 0x5a 0 1M", "write -P 0x5b 8M 4M", "flush", "read -P 0x5a 0 1M",
                "read -P 0x5b 8M 4M").expect(0);
        solo.ctl("role", "init", "r0").expect(0);
        solo.ctl("role", "primary", "r0").expect(0);
        solo.qemuIo(soloNbd, "write -P 0x5c 2M 64k", "read -P 0x5c 2M 64k").expect(0);
        for (String roles : List.of("init primary", "primary init")) {
            Node.awaitTrue("Event Admin and the JSON hook getting role " + roles, () ->
                    lines(posted).filter(l -> l.equals("hast/role r0 " + roles)).count() >= 1
                    && lines(events).filter(l -> l.contains("\"details\":[\"" + roles.replace(" ", "\",\"") + "\"]"))
                            .count() >= 1);
        }
        awaitHooks(hookLines, "role r0 init primary", "role r0 init primary", "role r0 primary init");
        awaitLog(solo, "\\[WARNING\\] Event listener hast\\.run\\.fixture\\.FixtureActivator\\$Hanging \\(service\\.id=\\d+\\)"
                + " is still busy with role of r0 after \\d+ s \\(\\d+ events waiting\\)\\.");
        assertTrue(Pattern.compile("\\[WARNING\\] Event listener hast\\.run\\.fixture\\.FixtureActivator\\$Throwing "
                + "\\(service\\.id=\\d+\\) failed on role of r0\\njava\\.lang\\.IllegalStateException: listener bug on role")
                .matcher(solo.logText()).find(), solo.logText());
        assertEquals(0, solo.stop(), "a hung listener does not keep the daemon from stopping");
    }

    /** A node whose hast.conf has {@code settings} and one resource on a 64 MiB file, without a peer; not started. */
    private Node solo(String settings) throws Exception {
        soloNbd = Node.freePort();
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                settings,
                "on solo { control uds://" + dir.resolve("solo.ctl") + " listen tcp4://127.0.0.1:" + Node.freePort()
                        + " export tcp://127.0.0.1:" + soloNbd + " export-insecure on }",
                "resource r0 { on solo { local " + dir.resolve("solo.img") + " remote none } }", ""));
        Node n = new Node("solo", dir, conf);
        provider(n);
        nodes.add(n);
        return n;
    }

    private Node node(String name, Path conf) throws Exception {
        Node n = new Node(name, dir, conf);
        provider(n);
        nodes.add(n);
        return n.start();
    }

    private void provider(Node n) throws Exception {
        Node.disk(dir.resolve(n.name + ".img"), 64 * MIB);
        n.ctl("create", "-e", "1M", "r0").expect(0);
    }

    /** Switches the single node between init and secondary: one role event each time. */
    private void toggle(Node n) throws Exception {
        soloRole = soloRole.equals("init") ? "secondary" : "init";
        n.ctl("role", soloRole, "r0").expect(0);
    }

    /** Raises role events until {@code seen}: a bundle just dropped in becomes a listener a moment later. */
    private void probe(Node n, String what, BooleanSupplier seen) throws InterruptedException {
        Node.awaitTrue(what, () -> {
            try {
                toggle(n);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return seen.getAsBoolean();
        });
    }

    /** A role change whose exec hook has run: every listener has been handed that event by then. */
    private void toggleSeenByTheExecHook(Node n, Path hookLines) throws Exception {
        long before = lines(hookLines).count();
        toggle(n);
        Node.awaitTrue("the exec hook of a role change", () -> lines(hookLines).count() > before);
    }

    private void awaitHooks(Node n, String... expected) throws InterruptedException {
        try {
            awaitHooks(dir.resolve("hook-" + n.name + ".txt"), expected);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it has " + lines(dir.resolve("hook-" + n.name + ".txt")).toList()
                    + "\nlog of " + n.name + ":\n" + n.logText(), e);
        }
    }

    /** Waits until the hook has recorded every expected line, each as many times as listed (hooks run in any order). */
    private void awaitHooks(Path record, String... expected) throws InterruptedException {
        Node.awaitTrue("hook lines " + List.of(expected) + " in " + record.getFileName(), () -> {
            List<String> got = new ArrayList<>(lines(record).toList());
            for (String line : expected) {
                if (!got.remove(line)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void awaitLog(Node n, String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        Node.awaitTrue("log line /" + regex + "/ of " + n.name, () -> p.matcher(n.logText()).find());
    }

    private void awaitComplete(Node primary) throws InterruptedException {
        Node.awaitTrue("a complete, clean pair", () -> {
            try {
                String l = primary.ctl("list", "r0").out();
                return l.contains("  status: complete") && l.contains("  dirty: 0 (0B)");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream() : Stream.empty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path script(String name, String body) throws IOException {
        Path p = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    /** {@code original} rebuilt with another Bundle-Version, as a new build of it would be. */
    private static Path withVersion(Path original, String version, Path target) throws IOException {
        try (JarFile in = new JarFile(original.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return target;
    }

    /** The fixture bundle, packed from this module's compiled test classes in hast/run/fixture. */
    private static Path fixtureBundle(Path target) throws Exception {
        return FixtureBundle.pack(target, "hast.run.fixture", FixtureActivator.class, "hast.api.event;version=\"[1.1,2)\","
                + "org.osgi.framework,org.osgi.service.event;version=\"[1.4,2)\"");
    }
}
