package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HastctlTest {
    private final TestNode node = new TestNode();
    private final Hastctl daemon = new Hastctl(() -> Optional.of(node), node, Path.of("/etc/hast.conf"));
    private final Hastctl noDaemon = new Hastctl(Optional::empty, node, Path.of("/etc/hast.conf"));

    private record Run(int status, String out, String err) {
    }

    private static Run run(Hastctl h, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = h.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dumpGolden() {
        Run r = run(noDaemon, "dump", "shared");
        assertEquals(0, r.status());
        assertEquals("""
                resource: shared
                    datasize: 1099511558144 (1.0TB)
                    extentsize: 2097152 (2.0MB)
                    keepdirty: 64
                    localoff: 69632
                    resuid: 0
                    localcnt: 3
                    remotecnt: 2
                    prevrole: secondary
                """, r.out());
    }

    @Test
    void statusGolden() {
        Run r = run(daemon, "status");
        assertEquals(0, r.status());
        assertEquals("Name\tStatus\t Role\t\tComponents\n"
                + "shared\tdegraded primary        /dev/sdb\ttcp://10.0.0.2:8457\n"
                + "idle\t-        init           /var/lib/hast/idle.img\tnone\n", r.out());
    }

    @Test
    void listGoldenWithOptionalLinesPresentAndAbsent() {
        Run r = run(daemon, "list", "all");
        assertEquals(0, r.status());
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
                  status: degraded
                  problem: split-brain
                  exportaddr: tcp://127.0.0.1:10809
                  dirty: 4194304 (4.0MB)
                  synchronization: 25% done, 1.0MB/s, 0:00:06 left
                  statistics:
                    reads: 11
                    writes: 22
                    deletes: 3
                    flushes: 4
                    activemap updates: 5
                    local errors: read: 1, write: 2, delete: 0, flush: 0
                idle:
                  role: init
                  provname: idle
                  localpath: /var/lib/hast/idle.img
                  extentsize: 0 (0B)
                  keepdirty: 0
                  remoteaddr: none
                  replication: memsync
                  dirty: 0 (0B)
                  statistics:
                    reads: 0
                    writes: 0
                    deletes: 0
                    flushes: 0
                    activemap updates: 0
                    local errors: read: 0, write: 0, delete: 0, flush: 0
                """, r.out());
    }

    @Test
    void unknownResourcesAreReportedPerResourceAsTheReferenceDoes() {
        Run status = run(daemon, "status", "idle", "ghost");
        assertEquals(1, status.status());
        assertTrue(status.out().endsWith("ghost\tERR1\n"), status.out());
        Run list = run(daemon, "list", "ghost");
        assertEquals(1, list.status());
        assertEquals("ghost:\n  error: 1\n", list.out());
        Run role = run(daemon, "role", "primary", "ghost", "idle");
        assertEquals(1, role.status());
        assertEquals("[ghost] Received error 1 from hastd.\n", role.err());
        assertEquals(List.of("role idle primary"), node.calls, "the other names are still handled");
        Run dump = run(noDaemon, "dump", "ghost");
        assertEquals(65, dump.status());
        assertEquals("Unknown resource ghost.\n", dump.err());
    }

    @Test
    void roleAllAndDebugOutput() {
        Run r = run(daemon, "role", "-d", "secondary", "all");
        assertEquals(0, r.status());
        assertEquals(List.of("role shared secondary", "role idle secondary"), node.calls);
        assertEquals("[shared] Role changed from primary to secondary.\n[idle] Role changed from init to secondary.\n", r.out());
    }

    @Test
    void createParsesSizesWithSuffixesAndOptionsOnEitherSide() {
        Run r = run(noDaemon, "-c", "/x.conf", "create", "-e", "4M", "-k128", "-m", "1g", "shared");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("create /x.conf shared 4194304 128 1073741824"), node.calls);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            frobnicate               | unknown subcommand 'frobnicate'
            -x status                | unknown option -x
            status -e 4M             | unknown option -e for 'status'
            role                     | role needs a role
            role master all          | Invalid role 'master'
            create                   | create needs at least one resource name
            reload extra             | reload takes no operands
            list -c                  | option -c needs a value
            ''                       | no subcommand given
            """)
    void usageErrorsExit64WithTheUsage(String line, String problem) {
        Run r = run(daemon, line.isEmpty() ? new String[0] : line.split(" "));
        assertEquals(64, r.status(), r.err());
        assertTrue(r.err().contains(problem), r.err());
        assertTrue(r.err().contains("usage: hastctl create"), r.err());
    }

    @Test
    void badSizesAreNamed() {
        Run r = run(noDaemon, "create", "-e", "4Q", "shared");
        assertEquals(64, r.status());
        assertEquals("Invalid extentsize '4Q'.\n", r.err());
    }

    @Test
    void daemonCommandsWithoutADaemonSaySo() {
        Run r = run(noDaemon, "status");
        assertEquals(69, r.status());
        assertTrue(r.err().contains("hastd is not running"), r.err());
    }

    @Test
    void helpExplainsEverySubcommand() {
        Run general = run(noDaemon, "--help");
        assertEquals(0, general.status());
        for (String sub : List.of("create", "role", "list", "status", "dump", "reload")) {
            assertTrue(general.out().contains("  " + sub + " "), sub);
            Run one = run(noDaemon, sub, "-h");
            assertEquals(0, one.status());
            assertTrue(one.out().startsWith("usage: hastctl " + sub), one.out());
        }
        assertTrue(run(noDaemon, "create", "-h").out().contains("-e extentsize"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "512, 512", "999, 999", "1023, 1.0K", "4096, 4.0K", "65536, 64K", "69632, 68K",
            "2097152, 2.0M", "67104256, 64M", "1073741824, 1.0G", "1099511558144, 1.0T", "10485760, 10M"})
    void humanizeAsFreeBsd(long value, String text) {
        assertEquals(text, Humanize.bytes(value));
    }

    @ParameterizedTest
    @CsvSource({"4096, 4096", "4k, 4096", "4K, 4096", "2M, 2097152", "1g, 1073741824", "1T, 1099511627776",
            "x, -1", "'', -1", "-1, -1", "99999999999999999999, -1", "16E, -1"})
    void expandNumber(String text, long value) {
        assertEquals(value, SizeArgument.parse(text));
    }
}
