package hast.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real keepalived on each of two namespaced nodes of the fault lab, VRRP over the veth link
 * (unicast adverts between the nodes' 127.10.0.x addresses), each calling run/keepalived/hast-notify:
 * the MASTER's resource becomes primary, the BACKUP's secondary, and when the MASTER's keepalived
 * stops, the roles move with the VRRP state and the new primary completes with the old one as its
 * secondary; and when the MASTER's node dies, the other becomes primary with every write the
 * dead one acknowledged.
 */
class KeepalivedIT {
    private static final int MIB = 1 << 20;
    private static final int PORT = 8457;
    private static final Path NOTIFY = Node.RUN.resolve("keepalived/hast-notify").toAbsolutePath();

    @TempDir
    Path dir;
    private FaultLab lab;
    private Node alpha;
    private Node beta;
    private final List<Process> keepalived = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : keepalived) {
            p.destroy();
            if (!p.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
        }
        // theNotifyScriptFailsAsHastctlDoes starts alpha outside the lab: without this its hastd outlived the test.
        for (Node n : Arrays.asList(alpha, beta)) {
            if (n != null) {
                n.close();
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theRoleFollowsTheVrrpState() throws Exception {
        lab = new FaultLab(dir);
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n", "timeout 3",
                node("alpha", lab.address("a")), node("beta", lab.address("b")),
                "resource r0 {",
                "  on alpha { local " + dir.resolve("a.img") + " remote tcp4://" + lab.address("b") + ":" + PORT + " }",
                "  on beta { local " + dir.resolve("b.img") + " remote tcp4://" + lab.address("a") + ":" + PORT + " }",
                "}", ""));
        alpha = lab.node("a", "alpha", conf);
        beta = lab.node("b", "beta", conf);
        for (Node n : List.of(alpha, beta)) {
            Node.disk(dir.resolve(n.name.charAt(0) + ".img"), 16 * MIB);
            n.ctl("create", "-e", "1M", "r0").expect(0);
            n.start();
        }
        Process a = keepalived("a", alpha, 150, lab.address("b"));
        Process b = keepalived("b", beta, 100, lab.address("a"));

        alpha.ctl("await", "-t", "30", "primary", "r0").expect(0);
        beta.ctl("await", "-t", "30", "secondary", "r0").expect(0);
        alpha.ctl("await", "-t", "30", "complete", "r0").expect(0);
        assertTrue(read("a.notify").contains("INSTANCE hast is MASTER: making r0 primary."), read("a.notify"));

        // The MASTER's keepalived stops (STOP: alpha goes secondary); beta's takes over as MASTER.
        a.destroy();
        assertTrue(a.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS), "keepalived on a stops");
        beta.ctl("await", "-t", "30", "primary", "r0").expect(0);
        alpha.ctl("await", "-t", "30", "secondary", "r0").expect(0);
        beta.ctl("await", "-t", "30", "complete", "r0").expect(0);
        Node.awaitTrue("a's STOP notification", () -> read("a.notify").contains("is STOP: making r0 secondary."));
        assertTrue(read("b.notify").contains("INSTANCE hast is MASTER: making r0 primary."), read("b.notify"));

        // beta's node dies (keepalived and hastd killed) after a write it acknowledged: a, started
        // again, hears no advert, becomes MASTER, and alpha serves that write as primary.
        a = keepalived("a", alpha, 150, lab.address("b"));
        Node.awaitTrue("a's keepalived BACKUP again", () -> read("a.notify").split("is BACKUP").length > 2);
        qemuIo(beta, "write -P 0x77 0 64k");
        b.descendants().forEach(ProcessHandle::destroyForcibly);
        b.destroyForcibly().waitFor();
        beta.crash();
        alpha.ctl("await", "-t", "30", "primary", "r0").expect(0);
        alpha.ctl("status", "r0").expect(Node.DEGRADED);
        qemuIo(alpha, "read -P 0x77 0 64k");
    }

    private void qemuIo(Node n, String command) throws Exception {
        n.run(List.of("qemu-io", "-f", "raw", "-c", command, "nbd+unix:///r0?socket=" + dir.resolve(n.name + ".nbd")),
                Map.of()).expect(0);
    }

    @Test
    void theNotifyScriptFailsAsHastctlDoes() throws Exception {
        Path conf = new PairConf(dir).write(dir.resolve("a.img"), dir.resolve("b.img"), Node.freePort());
        alpha = new Node("alpha", dir, conf);
        Node.disk(dir.resolve("a.img"), 8 * MIB);
        alpha.ctl("create", "-e", "1M", "r0").expect(0);
        alpha.start();
        List<String> notify = List.of(NOTIFY.toString(), "-c", conf.toString(), "-n", "alpha", "-x", hastctl().toString());
        // The states keepalived passes, in turn; FAULT and STOP leave a secondary.
        for (String[] step : new String[][] {{"BACKUP", "secondary"}, {"MASTER", "primary"}, {"FAULT", "secondary"},
                {"MASTER", "primary"}, {"STOP", "secondary"}}) {
            alpha.run(with(notify, "r0", "INSTANCE", "hast", step[0], "100"), Map.of()).expect(0);
            alpha.ctl("await", "-t", "0", step[1], "r0").expect(0);
        }
        List<String> toInit = new ArrayList<>(notify);
        toInit.addAll(1, List.of("-s", "init"));
        alpha.run(with(toInit, "r0", "GROUP", "g", "STOP", "100"), Map.of()).expect(0);
        alpha.ctl("await", "-t", "0", "init", "r0").expect(0);

        Node.Result unknown = alpha.run(with(notify, "r9", "INSTANCE", "hast", "MASTER", "100"), Map.of()).expect(1);
        assertTrue(unknown.err().contains("hastctl role primary r9 failed (exit status 1)"), unknown.err());
        alpha.run(with(notify, "r0", "INSTANCE", "hast", "DELETED", "100"), Map.of()).expect(64);
        alpha.run(with(notify, "INSTANCE", "hast", "MASTER"), Map.of()).expect(64);
        alpha.ctl("await", "-t", "0", "init", "r0").expect(0);
    }

    private static List<String> with(List<String> cmd, String... args) {
        List<String> all = new ArrayList<>(cmd);
        all.addAll(List.of(args));
        return all;
    }

    /** keepalived in the site's namespace, VRRP only, in the foreground, logging to {@code <site>.log}. */
    private Process keepalived(String site, Node n, int priority, String peer) throws Exception {
        String me = lab.address(site);
        Path conf = Files.writeString(dir.resolve("keepalived-" + site + ".conf"), String.join("\n",
                "global_defs {", "  script_user root", "}",
                "vrrp_instance hast {",
                "  state BACKUP",
                // As the example configuration: a node that comes back does not take MASTER back.
                "  nopreempt",
                "  interface hl" + lab.id + site,
                "  virtual_router_id 51",
                "  priority " + priority,
                "  advert_int 1",
                "  unicast_src_ip " + me,
                "  unicast_peer { " + peer + " }",
                "  virtual_ipaddress { 127.10.0.100/32 }",
                "  notify \"" + NOTIFY + " -c " + n.conf + " -n " + n.name + " -x " + hastctl() + " -l "
                        + dir.resolve(site + ".notify") + " r0\"",
                "}", ""));
        Process p = new ProcessBuilder(FaultLab.SCRIPT.toString(), "-d", dir.toString(), "exec", lab.id, site,
                "keepalived", "-n", "-l", "-P", "-f", conf.toString(), "-p", dir.resolve("keepalived-" + site + ".pid")
                        .toString(), "-r", dir.resolve("vrrp-" + site + ".pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(site + ".log").toFile()).start();
        keepalived.add(p);
        return p;
    }

    /**
     * hastctl as keepalived runs it: keepalived gives scripts an environment of its own, so the
     * build's jars (HASTCTL_LIB) are named here.
     */
    private Path hastctl() throws Exception {
        Path wrapper = dir.resolve("hastctl");
        if (!Files.exists(wrapper)) {
            Files.writeString(wrapper, "#!/bin/sh\nexport HASTCTL_LIB=" + Node.BUILD.resolve("lib").toAbsolutePath()
                    + "\nexec " + Node.RUN.resolve("hastctl").toAbsolutePath() + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return wrapper;
    }

    private String node(String name, String address) {
        return "on " + name + " { control uds://" + dir.resolve(name + ".ctl") + " listen tcp4://" + address + ":"
                + PORT + " export uds://" + dir.resolve(name + ".nbd") + " }";
    }

    private String read(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

}
