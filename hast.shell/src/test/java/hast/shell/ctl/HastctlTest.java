package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.control.Consistency;
import hast.api.control.ResourceInfo;
import hast.api.control.SyncProgress;

import org.junit.jupiter.api.Test;

/** Output formats (golden), per-resource errors and exit statuses of hastctl's subcommands. */
class HastctlTest {
    private final TestNode node = new TestNode();
    private final Hastctl daemon = new Hastctl(() -> Optional.of(node), node, node, Path.of("/etc/hast.conf"));
    private final Hastctl noDaemon = new Hastctl(Optional::empty, node, node, Path.of("/etc/hast.conf"));

    record Run(int status, String out, String err) {
    }

    static Run run(Hastctl h, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = h.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final String SHARED_DUMP = """
            resource: shared
                datasize: 1099511558144 (1.0TB)
                extentsize: 2097152 (2.0MB)
                keepdirty: 64
                localoff: 69632
                resuid: 18446744073709551615
                localcnt: 3
                remotecnt: 2
                prevrole: secondary
                consistency: consistent
            """;

    @Test
    void dumpGolden() {
        Run r = run(noDaemon, "dump", "shared");
        assertEquals(new Run(0, SHARED_DUMP, ""), r);
    }

    @Test
    void dumpWithoutNamesOrWithAllAloneDumpsEveryResource() {
        Run none = run(noDaemon, "dump");
        assertEquals(0, none.status());
        assertEquals(List.of("shared", "idle", "backup"), none.out().lines()
                .filter(l -> l.startsWith("resource: ")).map(l -> l.substring(10)).toList());
        assertEquals(none, run(noDaemon, "dump", "all"));
        // 'all' among other names is a name, as in the reference's dump.
        Run mixed = run(noDaemon, "dump", "shared", "all");
        assertEquals(new Run(65, SHARED_DUMP, "Unknown resource all.\n"), mixed);
    }

    @Test
    void dumpReportsEachFailureAndExitsWithTheFirst() {
        node.breakProvider("idle");
        Run r = run(noDaemon, "dump", "ghost", "idle", "shared");
        assertEquals(65, r.status());
        assertEquals(SHARED_DUMP, r.out());
        assertEquals("Unknown resource ghost.\nUnable to open /var/lib/hast/idle.img of resource idle: Permission denied\n",
                r.err());
        assertEquals(66, run(noDaemon, "dump", "idle").status(), "the backend's status when it is the first failure");
    }

    @Test
    void statusGolden() {
        Run r = run(daemon, "status");
        assertEquals(new Run(4, "Name\tStatus\t Role\t\tComponents\n"
                + "shared\tdegraded primary        /dev/sdb\ttcp://10.0.0.2:8457\tsync 25%, limit 50MB/s (50M)\n"
                + "idle\t-        init           /var/lib/hast/idle.img\tnone\n"
                + "backup\tcomplete secondary      /dev/sdc\ttcp://10.0.0.1\n", ""), r);
        assertEquals(r, run(daemon, "status", "all"));
        assertEquals(r, run(daemon, "status", "all", "ignored"), "hastd reads 'all' in first place as everything");
    }

    @Test
    void statusAndListExitWithTheWorstStateOfTheResourcesShown() {
        assertEquals(0, run(daemon, "status", "backup").status(), "complete");
        assertEquals(5, run(daemon, "list", "idle").status(), "idle");
        assertEquals(5, run(daemon, "status", "idle", "backup").status(), "idle is worse than complete");
        assertEquals(4, run(daemon, "status", "backup", "shared", "idle").status(), "split-brain is the worst");
        node.put(node.resource("backup").orElseThrow(), "degraded", false);
        assertEquals(2, run(daemon, "status", "backup", "idle").status(), "degraded is worse than idle");
    }

    @Test
    void aPairWithNoProtocolVersionInCommonSaysSoInStatusListAndJson() {
        ResourceInfo backup = node.resource("backup").orElseThrow();
        assertTrue(run(daemon, "list", "backup").out().contains("\n  protocol: 3\n"), "the version while connected");
        assertEquals("backup\tcomplete secondary      /dev/sdc\ttcp://10.0.0.1\n",
                run(daemon, "status", "backup").out().lines().skip(1).findFirst().orElseThrow() + "\n",
                "status shows nothing more while connected");
        String why = "no common protocol version: the primary speaks 4, this node 3";
        node.put(backup, "degraded", false, null, why);
        Run status = run(daemon, "status", "backup");
        assertEquals(new Run(2, "Name\tStatus\t Role\t\tComponents\n"
                + "backup\tdegraded secondary      /dev/sdc\ttcp://10.0.0.1\t" + why + "\n", ""), status);
        assertTrue(run(daemon, "list", "backup").out().contains("\n  protocol: " + why + "\n"));
        assertTrue(run(daemon, "list", "--json", "backup").out().contains("\"protocol\":\"" + why + "\""));
    }

    @Test
    void aSecondaryBeingSynchronisedIsInconsistentExits3AndSaysWhyWithItsProgress() {
        ResourceInfo backup = node.resource("backup").orElseThrow();
        node.put(backup, Consistency.INCOMPLETE, new SyncProgress(8 << 20, 2 << 20, 1 << 20));
        Run status = run(daemon, "status", "backup", "idle");
        assertEquals(new Run(3, "Name\tStatus\t Role\t\tComponents\n"
                + "backup\tdegraded secondary      /dev/sdc\ttcp://10.0.0.1\tinconsistent (synchronising, 25%)\n"
                + "idle\t-        init           /var/lib/hast/idle.img\tnone\n", ""), status);
        Run list = run(daemon, "list", "backup");
        assertEquals(3, list.status());
        assertTrue(list.out().contains("\n  consistent: no (synchronising, 25%)\n  dirty: 6291456 (6.0MB)\n"
                + "  synchronization: 25% done"), list.out());
        Run json = run(daemon, "status", "--json", "backup");
        assertEquals(3, json.status());
        assertTrue(json.out().contains("\"consistency\":\"incomplete\",\"state\":\"inconsistent\""), json.out());
        assertTrue(run(daemon, "list", "--json", "backup").out().contains("\"state\":\"inconsistent\","
                + "\"consistency\":\"incomplete\",\"dirty\":6291456,\"synchronization\":{\"total\":8388608,"
                + "\"done\":2097152,\"percent\":25"));
        assertEquals(4, run(daemon, "status", "backup", "shared").status(), "split-brain is worse still");
        node.put(backup, Consistency.OUTDATED, null);
        assertTrue(run(daemon, "list", "backup").out().contains("\n  consistent: no (outdated, synchronisation not started)\n"));
        node.put(node.resource("backup").orElseThrow(), "degraded", false);
        assertTrue(run(daemon, "status", "backup").out().endsWith("\tinconsistent (outdated, waiting for the primary)\n"));
    }

    @Test
    void rolePrimaryOfAnInconsistentCopyIsRefusedWith3UnlessForced() {
        node.put(node.resource("backup").orElseThrow(), Consistency.INCOMPLETE, null);
        Run refused = run(daemon, "role", "primary", "backup");
        assertEquals(new Run(3, "", "[backup] Not made primary: this copy of backup is inconsistent.\n"), refused);
        assertEquals(List.of(), node.calls);
        assertEquals(new Run(0, "", ""), run(daemon, "role", "-f", "primary", "backup"));
        assertEquals(new Run(0, "", ""), run(daemon, "-f", "role", "primary", "backup"), "before the subcommand too");
        assertEquals(List.of("role backup primary forced", "role backup primary forced"), node.calls);
        assertEquals(64, run(daemon, "status", "-f", "backup").status(), "-f belongs to role");
        assertTrue(run(daemon, "-f", "status").err().contains("option -f belongs to 'role'"));
    }

    @Test
    void discardNeedsConfirmationNamesAndASecondary() {
        assertEquals(64, run(daemon, "discard", "backup").status(), "without -y: never from hastd alone");
        assertEquals(64, run(daemon, "discard", "-y").status(), "no name");
        assertEquals(64, run(daemon, "discard", "-y", "all").status(), "'all' is not taken");
        assertEquals(64, run(daemon, "status", "-y").status(), "-y belongs to discard");
        assertEquals(new Run(0, "[backup] discarded\n", ""), run(daemon, "-y", "discard", "backup"));
        Run primary = run(daemon, "discard", "-y", "shared", "backup");
        assertEquals(69, primary.status(), "the primary keeps its writes");
        assertTrue(primary.err().startsWith("[shared] The resource is primary here"), primary.err());
        assertEquals(List.of("discard backup", "discard backup"), node.calls);
        assertEquals(Optional.of("Give up this node's writes to backup since the split-brain, for the primary's copy?"
                + " [y/N] "), Hastctl.confirmation(List.of("discard", "backup")));
        assertEquals(Optional.empty(), Hastctl.confirmation(List.of("discard", "-y", "backup")));
        assertEquals(Optional.empty(), Hastctl.confirmation(List.of("status")));
    }

    @Test
    void awaitReturnsOnceEveryResourceMeetsTheConditionOrGivesUpNamingThoseBehind() throws Exception {
        assertEquals(new Run(0, "", ""), run(daemon, "await", "-t", "0", "secondary", "backup"));
        assertEquals(new Run(0, "", ""), run(daemon, "await", "connected", "backup"));
        Run late = run(daemon, "await", "-t", "0", "complete", "backup", "shared");
        assertEquals(75, late.status());
        assertEquals("[shared] Not complete after 0 s: role primary, split-brain, not connected.\n", late.err());
        assertEquals(1, run(daemon, "await", "complete", "ghost").status());
        assertEquals(64, run(daemon, "await", "-t", "soon", "complete").status());
        assertEquals(64, run(daemon, "await", "ready", "backup").status());

        ResourceInfo backup = node.resource("backup").orElseThrow();
        node.put(backup, "degraded", false);
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(() -> run(daemon, "await", "-t", "30", "complete",
                "backup"));
        node.put(backup, "complete", true);
        assertEquals(new Run(0, "", ""), waiting.get(30, TimeUnit.SECONDS), "returns once the state changes");
    }

    @Test
    void statusOfUnknownResourcesHasErrorRowsAndExitsOne() {
        Run r = run(daemon, "status", "ghost", "backup", "phantom");
        assertEquals(new Run(1, "Name\tStatus\t Role\t\tComponents\n"
                + "ghost\tERR1\n"
                + "backup\tcomplete secondary      /dev/sdc\ttcp://10.0.0.1\n"
                + "phantom\tERR1\n", ""), r);
    }

    @Test
    void listGoldenWithOptionalLinesPresentAndAbsent() {
        Run r = run(daemon, "list");
        assertEquals(4, r.status(), "the worst state, shared's split-brain: " + r.err());
        assertEquals("""
                shared:
                  role: primary
                  provname: shared
                  localpath: /dev/sdb
                  extentsize: 2097152 (2.0MB)
                  keepdirty: 64
                  remoteaddr: tcp://10.0.0.2:8457
                  sourceaddr: tcp://10.0.0.1:0
                  replication: fullsync
                  checksum: none
                  compression: hole
                  status: degraded
                  exportaddr: tcp://127.0.0.1:10809
                  device: /dev/hast/shared
                  problem: split-brain
                  consistent: yes
                  dirty: 4194304 (4.0MB)
                  synchronization: 25% done, 1.0MB/s, 0:00:06 left
                  syncrate: limit 50MB/s (50M)
                  statistics:
                    reads: 11
                    writes: 22
                    deletes: 3
                    flushes: 4
                    activemap updates: 5
                    local errors: read: 1, write: 2, delete: 0, flush: 0
                    queues: local: 3, send: 1, recv: 7, done: 2, idle: 60
                    data sent: 90112 bytes, 30034 on the wire
                    compression fallbacks: 2
                    checksum failures: 1
                    remote errors: 6
                    auth failures: 0
                    mode refusals: 0
                idle:
                  role: init
                  provname: idle
                  localpath: /var/lib/hast/idle.img
                  extentsize: 0 (0B)
                  keepdirty: 0
                  remoteaddr: none
                  replication: memsync
                  checksum: none
                  compression: hole
                  dirty: 0 (0B)
                  statistics:
                    reads: 0
                    writes: 0
                    deletes: 0
                    flushes: 0
                    activemap updates: 0
                    local errors: read: 0, write: 0, delete: 0, flush: 0
                    queues: local: 0, send: 0, recv: 0, done: 0, idle: 0
                    data sent: 0 bytes, 0 on the wire
                    compression fallbacks: 0
                    checksum failures: 0
                    remote errors: 0
                    auth failures: 0
                    mode refusals: 0
                backup:
                  role: secondary
                  provname: bk0
                  localpath: /dev/sdc
                  extentsize: 131072 (128KB)
                  keepdirty: 0
                  remoteaddr: tcp://10.0.0.1
                  replication: async
                  checksum: crc32
                  compression: lzf
                  status: complete
                  protocol: 3
                  consistent: yes
                  dirty: 0 (0B)
                  statistics:
                    reads: 0
                    writes: 7
                    deletes: 0
                    flushes: 1
                    activemap updates: 0
                    local errors: read: 0, write: 0, delete: 0, flush: 0
                    queues: local: 1, send: 0, recv: 0, done: 0, idle: 0
                    data sent: 0 bytes, 0 on the wire
                    compression fallbacks: 0
                    checksum failures: 0
                    remote errors: 0
                    auth failures: 0
                    mode refusals: 0
                """, r.out());
        assertEquals(r, run(daemon, "list", "all"));
    }

    @Test
    void listOfUnknownResourcesHasErrorEntriesAndExitsOne() {
        Run r = run(daemon, "list", "ghost", "idle");
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("ghost:\n  error: 1\nidle:\n  role: init\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void roleChangesTheNamedResourcesOrAll() {
        assertEquals(new Run(0, "", ""), run(daemon, "role", "primary", "idle"));
        assertEquals(new Run(0, "", ""), run(daemon, "-c", "/other.conf", "role", "secondary", "all"));
        assertEquals(List.of("role idle primary", "role shared secondary", "role idle secondary",
                "role backup secondary"), node.calls);
    }

    @Test
    void roleReportsChangesWithDebugOnStandardError() {
        Run one = run(daemon, "role", "-d", "secondary", "shared", "backup");
        assertEquals(new Run(0, "", "[shared] Role changed from primary to secondary.\n"), one);
        Run two = run(daemon, "role", "-dd", "secondary", "shared", "backup");
        assertEquals(new Run(0, "", "[shared] Role changed from primary to secondary.\n"
                + "[backup] Role unchanged (secondary).\n"), two);
    }

    @Test
    void roleErrorsArePerResourceAndTheFirstIsTheExitStatus() {
        node.breakProvider("backup");
        Run r = run(daemon, "role", "primary", "ghost", "backup", "idle");
        assertEquals(new Run(1, "", "[ghost] Received error 1 from hastd.\n"
                + "[backup] Unable to open /dev/sdc of resource backup: Permission denied\n"), r);
        assertEquals(List.of("role idle primary"), node.calls, "the other names are still handled");
        assertEquals(66, run(daemon, "role", "primary", "backup").status());
    }

    @Test
    void createPassesSizesWithSuffixesAndTheConfigWithOptionsOnEitherSide() {
        Run r = run(noDaemon, "-c", "/x.conf", "create", "-e", "4M", "-k128", "-dm", "1g", "shared", "idle");
        assertEquals(new Run(0, "", ""), r);
        assertEquals(List.of("create /x.conf shared 4194304 128 1073741824", "create /x.conf idle 4194304 128 1073741824"),
                node.calls);
        node.calls.clear();
        run(noDaemon, "create", "backup");
        assertEquals(List.of("create /etc/hast.conf backup 0 0 0"), node.calls, "0 asks for the defaults");
    }

    @Test
    void createGoesOnAfterAFailureAndExitsWithTheFirst() {
        node.breakProvider("idle");
        Run r = run(noDaemon, "create", "ghost", "idle", "shared");
        assertEquals(new Run(65, "", "Unknown resource ghost.\n"
                + "Unable to open /var/lib/hast/idle.img of resource idle: Permission denied\n"), r);
        assertEquals(List.of("create /etc/hast.conf shared 0 0 0"), node.calls);
    }

    @Test
    void badSizesAreUsageErrorsNamingTheOption() {
        for (String option : List.of("-e:extentsize", "-k:keepdirty", "-m:mediasize")) {
            String[] flag = option.split(":");
            Run r = run(noDaemon, "create", flag[0], "4Q", "shared");
            assertEquals(64, r.status());
            assertTrue(r.err().startsWith("Invalid " + flag[1] + " '4Q'"), r.err());
        }
        assertTrue(node.calls.isEmpty());
    }

    @Test
    void reloadAsksTheDaemon() {
        assertEquals(new Run(0, "", ""), run(daemon, "reload"));
        assertEquals(List.of("reload"), node.calls);
    }

    @Test
    void checkPrintsEachNodeOrTheProblemsWithTheirStatusWithoutADaemon() {
        Run valid = run(noDaemon, "check", "-c", "/x.conf");
        assertEquals(new Run(0, "/x.conf: valid for this node (test): resources shared, idle, backup\n", ""), valid);
        Run invalid = run(noDaemon, "check", "-c", "/x.conf", "alpha", "ghost");
        assertEquals(new Run(78, "", "/x.conf:3: No resource shared configuration for this node (for ghost)\n"), invalid);
        assertEquals(List.of("check /x.conf ", "check /x.conf alpha ghost"), node.calls);
    }

    @Test
    void loglevelShowsAndSetsTheLevelOfTheDaemonsLog() {
        Logger hast = Logger.getLogger("hast");
        Level before = hast.getLevel();
        try {
            hast.setLevel(Level.INFO);
            assertEquals(new Run(0, "info\n", ""), run(daemon, "loglevel"));
            assertEquals(new Run(0, "debug\n", ""), run(daemon, "loglevel", "debug"));
            assertEquals(Level.FINE, hast.getLevel());
            assertEquals(new Run(0, "trace\n", ""), run(daemon, "loglevel", "trace"));
            assertTrue(hast.isLoggable(Level.FINEST));
            assertEquals(new Run(0, "warning\n", ""), run(daemon, "loglevel", "warning"));
            assertFalse(hast.isLoggable(Level.INFO));
        } finally {
            hast.setLevel(before);
        }
    }

    @Test
    void daemonSubcommandsWithoutADaemonSaySo() {
        for (String sub : List.of("status", "list", "reload", "loglevel")) {
            assertEquals(new Run(69, "", "hastd is not running here; this subcommand needs the daemon.\n"),
                    run(noDaemon, sub), sub);
        }
        assertEquals(69, run(noDaemon, "role", "init", "all").status());
    }

    @Test
    void daemonConfigTellsWhereACommandLineRuns() {
        Path etc = Path.of("/etc/hast.conf");
        assertEquals(Optional.of(etc), noDaemon.daemonConfig(List.of("status")));
        assertEquals(Optional.of(Path.of("/x")), noDaemon.daemonConfig(List.of("role", "-c", "/x", "init", "all")));
        assertEquals(Optional.of(Path.of("/y")), noDaemon.daemonConfig(List.of("-c/y", "list")));
        assertEquals(Optional.of(etc), noDaemon.daemonConfig(List.of("reload")));
        for (List<String> local : List.of(List.of("create", "r"), List.of("dump"), List.of("help"), List.of("--help"),
                List.of("status", "-h"), List.of("role", "master", "all"), List.of("frobnicate"), List.<String>of())) {
            assertEquals(Optional.empty(), noDaemon.daemonConfig(local), local.toString());
        }
    }
}
