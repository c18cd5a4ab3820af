package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

import hast.shell.ctl.HastctlTest.Run;

import org.junit.jupiter.api.Test;

/**
 * The --json forms of list, status and dump (golden), with their per-resource errors and exit
 * statuses. The goldens are laid out for reading; the output is the same on one line.
 */
class JsonFormsTest {
    private final TestNode node = new TestNode();
    private final Hastctl daemon = new Hastctl(() -> Optional.of(node), node, node, Path.of("/etc/hast.conf"));
    private final Hastctl noDaemon = new Hastctl(Optional::empty, node, node, Path.of("/etc/hast.conf"));

    /** The golden on one line, as hastctl prints it: indentation and line breaks removed. */
    private static String oneLine(String golden) {
        return golden.lines().map(String::strip).collect(Collectors.joining()) + "\n";
    }

    @Test
    void listGolden() {
        Run r = HastctlTest.run(daemon, "list", "--json");
        assertEquals(new Run(4, oneLine("""
                {"resources":[
                  {"name":"shared","role":"primary","provname":"shared","localpath":"/dev/sdb",
                   "extentsize":2097152,"keepdirty":64,"remoteaddr":"tcp://10.0.0.2:8457",
                   "sourceaddr":"tcp://10.0.0.1:0","replication":"fullsync","checksum":"none",
                   "compression":"hole","status":"degraded","exportaddr":"tcp://127.0.0.1:10809",
                   "device":"/dev/hast/shared","problem":"split-brain","connected":false,"protocol":null,"state":"split-brain","consistency":"consistent",
                   "dirty":4194304,
                   "synchronization":{"total":8388608,"done":2097152,"percent":25,"bytes_per_second":1048576,
                                      "seconds_left":6},
                   "syncrate":{"mode":"50M","limit":52428800,"paused":false},
                   "statistics":{"reads":11,"writes":22,"deletes":3,"flushes":4,"activemap_updates":5,
                                 "local_errors":{"read":1,"write":2,"delete":0,"flush":0},
                                 "queues":{"local":3,"send":1,"recv":7,"done":2,"idle":60},
                                 "data_sent":{"bytes":90112,"on_the_wire":30034},
                                 "compression_fallbacks":2,"checksum_failures":1,"remote_errors":6,"auth_failures":0,"mode_refusals":0}},
                  {"name":"idle","role":"init","provname":"idle","localpath":"/var/lib/hast/idle.img",
                   "extentsize":0,"keepdirty":0,"remoteaddr":"none","sourceaddr":null,"replication":"memsync",
                   "checksum":"none","compression":"hole","status":null,"exportaddr":null,"device":null,
                   "problem":null,"connected":false,"protocol":null,"state":"idle","consistency":null,"dirty":0,"synchronization":null,"syncrate":null,
                   "statistics":{"reads":0,"writes":0,"deletes":0,"flushes":0,"activemap_updates":0,
                                 "local_errors":{"read":0,"write":0,"delete":0,"flush":0},
                                 "queues":{"local":0,"send":0,"recv":0,"done":0,"idle":0},
                                 "data_sent":{"bytes":0,"on_the_wire":0},
                                 "compression_fallbacks":0,"checksum_failures":0,"remote_errors":0,"auth_failures":0,"mode_refusals":0}},
                  {"name":"backup","role":"secondary","provname":"bk0","localpath":"/dev/sdc",
                   "extentsize":131072,"keepdirty":0,"remoteaddr":"tcp://10.0.0.1","sourceaddr":null,
                   "replication":"async","checksum":"crc32","compression":"lzf","status":"complete",
                   "exportaddr":null,"device":null,"problem":null,"connected":true,"protocol":"3","state":"complete",
                   "consistency":"consistent","dirty":0,"synchronization":null,"syncrate":null,
                   "statistics":{"reads":0,"writes":7,"deletes":0,"flushes":1,"activemap_updates":0,
                                 "local_errors":{"read":0,"write":0,"delete":0,"flush":0},
                                 "queues":{"local":1,"send":0,"recv":0,"done":0,"idle":0},
                                 "data_sent":{"bytes":0,"on_the_wire":0},
                                 "compression_fallbacks":0,"checksum_failures":0,"remote_errors":0,"auth_failures":0,"mode_refusals":0}}
                ]}
                """), ""), r);
        assertEquals(r, HastctlTest.run(daemon, "list", "all", "--json"), "--json may stand anywhere");
        assertEquals(r, HastctlTest.run(daemon, "--json", "list"));
    }

    @Test
    void listOfAnUnknownResourceHasAnErrorElementAndExitsOne() {
        Run r = HastctlTest.run(daemon, "list", "--json", "ghost");
        assertEquals(new Run(1, "{\"resources\":[{\"name\":\"ghost\",\"error\":1}]}\n", ""), r);
    }

    @Test
    void statusGoldenWithAnUnknownResource() {
        Run r = HastctlTest.run(daemon, "status", "--json", "ghost", "idle", "backup");
        assertEquals(new Run(1, oneLine("""
                {"resources":[
                  {"name":"ghost","error":1},
                  {"name":"idle","status":null,"role":"init","localpath":"/var/lib/hast/idle.img","remoteaddr":"none",
                   "consistency":null,"state":"idle","syncrate":null},
                  {"name":"backup","status":"complete","role":"secondary","localpath":"/dev/sdc",
                   "remoteaddr":"tcp://10.0.0.1","consistency":"consistent","state":"complete","syncrate":null}
                ]}
                """), ""), r);
    }

    @Test
    void dumpGoldenWithoutADaemonUnknownNamesOnStandardError() {
        Run r = HastctlTest.run(noDaemon, "dump", "--json", "shared", "ghost");
        assertEquals(new Run(65, oneLine("""
                {"resources":[
                  {"name":"shared","datasize":1099511558144,"extentsize":2097152,"keepdirty":64,"localoff":69632,
                   "resuid":18446744073709551615,"localcnt":3,"remotecnt":2,"prevrole":"secondary",
                   "consistency":"consistent"}
                ]}
                """), "Unknown resource ghost.\n"), r);
    }

    @Test
    void nothingToShowIsAnEmptyArray() {
        node.breakProvider("idle");
        assertEquals(new Run(66, "{\"resources\":[]}\n",
                "Unable to open /var/lib/hast/idle.img of resource idle: Permission denied\n"),
                HastctlTest.run(noDaemon, "dump", "--json", "idle"));
    }

    @Test
    void withoutADaemonListAndStatusSaySoInsteadOfPrintingADocument() {
        assertEquals(new Run(69, "", "hastd is not running here; this subcommand needs the daemon.\n"),
                HastctlTest.run(noDaemon, "list", "--json"));
    }
}
