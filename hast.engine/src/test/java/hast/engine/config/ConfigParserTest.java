package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import hast.api.HastAddress;
import hast.api.Sysexits;
import hast.engine.replication.LinkTls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults, precedence, listen union and whole files; errors are in {@link ConfigErrorsTest}. */
class ConfigParserTest {
    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    private HastConfig parse(String text) throws ConfigException {
        return alpha.parse(text, "hast.conf");
    }

    /** A resource r on node alpha, with extra lines in its block and in its alpha section. */
    private static String resource(String resourceBody, String nodeBody) {
        return "resource r {\n" + resourceBody + "\n on alpha {\n local /dev/sdb\n remote 10.0.0.2\n" + nodeBody
                + "\n }\n}\n";
    }

    @Test
    void defaultsAreTheReferencesPlusTheLoopbackNbdExport() throws Exception {
        HastConfig c = parse(resource("", ""));
        assertEquals(HastAddress.parse("uds:///var/run/hastctl"), c.control());
        assertEquals("/var/run/hastd.pid", c.pidfile());
        assertEquals(List.of(HastAddress.parse("tcp4://0.0.0.0:8457")), c.listen());
        ResourceConfig r = c.resources().get(0);
        assertEquals("r", r.name());
        assertEquals("r", r.provname(), "the provider is named after the resource");
        assertEquals("/dev/sdb", r.local());
        assertEquals("tcp://10.0.0.2:8457", r.remote(), "remote gets the default port");
        assertNull(r.source());
        assertEquals("memsync", r.replication());
        assertEquals("none", r.checksum());
        assertEquals("hole", r.compression());
        assertEquals(20, r.timeout());
        assertEquals("", r.exec());
        assertTrue(r.metaflush());
        assertEquals(new ExportConfig(HastAddress.parse("uds:///run/hast/nbd.sock"), null, false, false, List.of()),
                r.export(),
                "one Unix socket for every resource, in root's /run/hast");
        assertTrue(r.hasRemote());
        assertFalse(r.direct(), "buffered I/O unless direct is asked for");
        assertNull(c.user(), "no user named: hastd decides (hast when it exists)");
    }

    @Test
    void everyKeywordAtEveryLevelWithPrecedence() throws Exception {
        HastConfig c = parse(String.join("\n",
                "control uds:///g.sock        # global",
                "pidfile /g.pid",
                "listen 0.0.0.0:7000",
                "replication async",
                "checksum crc32",
                "compression lzf",
                "timeout 5",
                "exec /g/hook",
                "metaflush off",
                "export tcp://127.0.0.1:9000",
                "export-insecure on",
                "on alpha {",
                "  control uds:///alpha.sock",
                "  pidfile /alpha.pid",
                "  listen tcp6://[::1]:7001",
                "  export uds:///alpha-nbd.sock",
                "}",
                "on beta { control uds:///beta.sock listen 10.0.0.9 }",
                "resource inherit {",
                "  on alpha { local /d1 remote none }",
                "}",
                "resource own {",
                "  replication fullsync",
                "  checksum sha256",
                "  compression none",
                "  timeout 7",
                "  exec /r/hook",
                "  metaflush on",
                "  name shared",
                "  local /ignored",
                "  export tcp://127.0.0.1:9001",
                "  on alpha {",
                "    name mine",
                "    local /d2",
                "    remote tcp4://10.0.0.2:8000",
                "    source tcp4://10.0.0.1",
                "    metaflush off",
                "    export uds:///own.sock",
                "  }",
                "  on beta { name theirs local /x remote 10.0.0.1 }",
                "}", ""));
        assertEquals(HastAddress.parse("uds:///alpha.sock"), c.control());
        assertEquals("/alpha.pid", c.pidfile());
        assertEquals(List.of(HastAddress.parse("tcp://0.0.0.0:7000"), HastAddress.parse("tcp6://[::1]:7001")),
                c.listen(), "global and node listen lines are merged, as the reference's code does");
        ResourceConfig inherit = c.resource("inherit").orElseThrow();
        assertEquals("async", inherit.replication());
        assertEquals("crc32", inherit.checksum());
        assertEquals("lzf", inherit.compression());
        assertEquals(5, inherit.timeout());
        assertEquals("/g/hook", inherit.exec());
        assertFalse(inherit.metaflush());
        assertFalse(inherit.hasRemote());
        assertEquals("none", inherit.remote());
        assertEquals(HastAddress.parse("uds:///alpha-nbd.sock"), inherit.export().address(),
                "global node section over global");
        ResourceConfig own = c.resource("own").orElseThrow();
        assertEquals("mine", own.provname());
        assertEquals("/d2", own.local());
        assertEquals("tcp4://10.0.0.2:8000", own.remote());
        assertEquals("tcp4://10.0.0.1:0", own.source(), "source has no default port");
        assertEquals("fullsync", own.replication());
        assertEquals("sha256", own.checksum());
        assertEquals("none", own.compression());
        assertEquals(7, own.timeout());
        assertEquals("/r/hook", own.exec());
        assertFalse(own.metaflush(), "resource node section over resource block");
        assertEquals(HastAddress.parse("uds:///own.sock"), own.export().address());
        assertTrue(c.resource("absent").isEmpty());
    }

    @Test
    void resourceLevelValuesApplyWithoutNodeOverrides() throws Exception {
        ResourceConfig r = parse("resource r { name prov local /dev/x metaflush off export tcp://127.0.0.1:9"
                + " export-tls /etc/hast/tls on alpha { remote none } }").resources().get(0);
        assertEquals("prov", r.provname());
        assertEquals("/dev/x", r.local());
        assertFalse(r.metaflush());
        assertEquals(new ExportConfig(HastAddress.parse("tcp://127.0.0.1:9"), "/etc/hast/tls", false, false, List.of()),
                r.export());
    }

    /** Each row writes export at the levels marked 1 and expects the port of the level that should win. */
    @ParameterizedTest(name = "global={0} globalNode={1} resource={2} resourceNode={3} -> {4}")
    @CsvSource({
        "1, 0, 0, 0, 1",
        "1, 1, 0, 0, 2",
        "1, 1, 1, 0, 3",
        "1, 1, 1, 1, 4",
        "0, 0, 0, 1, 4",
        "0, 1, 0, 0, 2",
        "1, 0, 1, 0, 3",
        "0, 1, 1, 0, 3",
        "1, 1, 0, 1, 4",
    })
    void exportPrecedenceIsResourceNodeResourceGlobalNodeGlobalDefault(int global, int globalNode, int resource,
            int resourceNode, int port) throws Exception {
        String text = "export-insecure on\n" + (global == 1 ? "export tcp://127.0.0.1:1\n" : "")
                + (globalNode == 1 ? "on alpha { export tcp://127.0.0.1:2 }\n" : "")
                + resource(resource == 1 ? "export tcp://127.0.0.1:3" : "",
                        resourceNode == 1 ? "export tcp://127.0.0.1:4" : "");
        assertEquals(HastAddress.parse("tcp://127.0.0.1:" + port), parse(text).resources().get(0).export().address());
    }

    @Test
    void metaflushPrecedenceIsResourceNodeResourceGlobal() throws Exception {
        assertFalse(parse("metaflush off\n" + resource("", "")).resources().get(0).metaflush());
        assertTrue(parse("metaflush off\n" + resource("metaflush on", "")).resources().get(0).metaflush());
        assertFalse(parse("metaflush on\n" + resource("metaflush on", "metaflush off")).resources().get(0).metaflush());
        assertTrue(parse(resource("metaflush off", "metaflush on")).resources().get(0).metaflush());
    }

    @Test
    void directPrecedenceIsResourceNodeResourceGlobal() throws Exception {
        assertTrue(parse("direct on\n" + resource("", "")).resources().get(0).direct());
        assertFalse(parse("direct on\n" + resource("direct off", "")).resources().get(0).direct());
        assertTrue(parse("direct off\n" + resource("direct off", "direct on")).resources().get(0).direct());
        assertFalse(parse(resource("direct on", "direct off")).resources().get(0).direct());
    }

    @Test
    void userOfThisNodesSectionWinsOverTheGlobalOne() throws Exception {
        assertEquals("hast", parse("user hast\n" + resource("", "")).user());
        assertEquals("storage", parse("user hast\non alpha { user storage }\non beta { user other }\n"
                + resource("", "")).user());
    }

    @Test
    void metricsListenIsOffByDefaultAndThisNodesSectionWins() throws Exception {
        assertNull(parse(resource("", "")).metricsListen(), "no metrics endpoint unless asked for");
        assertEquals(HastAddress.parse("tcp://127.0.0.1:9743"),
                parse("metrics-listen 127.0.0.1\n" + resource("", "")).metricsListen(), "port 9743 by default");
        assertEquals(HastAddress.parse("tcp4://127.0.0.1:9101"), parse("metrics-listen 127.0.0.1:9743\n"
                + "on alpha { metrics-listen tcp4://127.0.0.1:9101 }\non beta { metrics-listen 127.0.0.2 }\n"
                + resource("", "")).metricsListen());
    }

    /**
     * direct and user are not reserved words: a file written for FreeBSD that uses them as names
     * (a resource, a provider, a path, a node) reads as it did there.
     */
    @Test
    void ourKeywordsRemainUsableAsNamesAndValues() throws Exception {
        HastConfig c = new ConfigParser(NodeIdentity.named("user")).parse(String.join("\n",
                "resource direct {",
                "  name user",
                "  on user { local direct remote none }",
                "}",
                "resource user { name u on user { local /dev/user remote none } }", ""), "hast.conf");
        assertEquals(List.of("direct", "user"), c.resources().stream().map(ResourceConfig::name).toList());
        assertEquals("user", c.resource("direct").orElseThrow().provname());
        assertEquals("direct", c.resource("direct").orElseThrow().local());
        assertFalse(c.resource("direct").orElseThrow().direct());
    }

    @Test
    void resourceSettingsOverrideGlobalOnesPerResource() throws Exception {
        HastConfig c = parse("replication fullsync\ntimeout 60\n" + resource("replication async\ntimeout 3", "")
                + "resource s { on alpha { local /dev/sdc remote none } }\n");
        assertEquals("async", c.resource("r").orElseThrow().replication());
        assertEquals(3, c.resource("r").orElseThrow().timeout());
        assertEquals("fullsync", c.resource("s").orElseThrow().replication());
        assertEquals(60, c.resource("s").orElseThrow().timeout());
    }

    @Test
    void listenIsTheUnionOfGlobalLinesAndThisNodesLines() throws Exception {
        assertEquals(List.of(HastAddress.parse("tcp://10.0.0.1:8457"), HastAddress.parse("tcp://10.0.0.1:9000")),
                parse("listen 10.0.0.1\nlisten 10.0.0.1:9000\n").listen(), "repeatable, default port 8457");
        assertEquals(List.of(HastAddress.parse("tcp4://10.0.0.1:8457")),
                parse("on alpha { listen tcp4://10.0.0.1 }\non beta { listen 10.0.0.2 }").listen(),
                "another node's listen lines are ignored");
        assertEquals(List.of(HastAddress.parse("tcp://10.0.0.1:8457"), HastAddress.parse("tcp://10.0.0.3:8457"),
                HastAddress.parse("tcp://10.0.0.4:8457")),
                parse("on alpha { listen 10.0.0.3 listen 10.0.0.4 }\nlisten 10.0.0.1").listen(),
                "global lines come first whatever the order in the file");
        assertEquals(List.of(HastAddress.parse("tcp4://0.0.0.0:8457")),
                parse("on beta { listen 10.0.0.2 }").listen(), "the default applies only when the union is empty");
    }

    @Test
    void sectionsForOtherNodesAreParsedButIgnored() throws Exception {
        HastConfig c = parse("on beta { control uds:///beta pidfile /beta.pid }\n" + resource("", "")
                + "resource q { on beta { local /q remote none } on alpha { local /q2 remote none } }");
        assertEquals(HastAddress.parse("uds:///var/run/hastctl"), c.control());
        assertEquals("/var/run/hastd.pid", c.pidfile());
        assertEquals("/q2", c.resource("q").orElseThrow().local());
    }

    @Test
    void severalSectionsNamingThisNodeAddUp() throws Exception {
        ConfigParser db1 = new ConfigParser(new NodeIdentity("db1.example.org", "0123abcd", 7L));
        HastConfig c = db1.parse(String.join("\n",
                "on db1 { control uds:///run/hast/ctl listen 10.0.0.1 }",
                "on db1.example.org { pidfile /run/hast/hastd.pid listen 10.0.0.2 }",
                "resource r {",
                "  on db1 { local /dev/sdb }",
                "  on 0123ABCD { remote 10.0.0.9 }",
                "  on hostid7 { name r-data }",
                "}"), "hast.conf");
        assertEquals(HastAddress.parse("uds:///run/hast/ctl"), c.control());
        assertEquals("/run/hast/hastd.pid", c.pidfile());
        assertEquals(2, c.listen().size());
        ResourceConfig r = c.resources().get(0);
        assertEquals("/dev/sdb", r.local());
        assertEquals("tcp://10.0.0.9:8457", r.remote());
        assertEquals("r-data", r.provname());
    }

    @Test
    void anyWellFormedCodecNameParsesForCodecBundlesBringTheirOwn() throws Exception {
        for (String checksum : List.of("none", "crc32", "sha256", "crc32c")) {
            assertEquals(checksum, parse(resource("checksum " + checksum, "")).resources().get(0).checksum());
        }
        for (String compression : List.of("none", "hole", "lzf", "deflate", "zstd-1")) {
            assertEquals(compression,
                    parse(resource("compression " + compression, "")).resources().get(0).compression());
        }
    }

    @Test
    void whetherACodecNameNamesACodecIsTheRunningNodesQuestion() {
        assertNull(CodecNames.COMPRESSION.check("lzf", Set.of("none", "hole")), "the reference's names always pass");
        assertNull(CodecNames.COMPRESSION.check("deflate", Set.of("none", "hole", "deflate")));
        assertEquals("Unknown compression 'zstd' (known here: deflate, hole, lzf, none)",
                CodecNames.COMPRESSION.check("zstd", Set.of("none", "hole", "deflate")));
        assertEquals("Unknown checksum 'md5' (known here: crc32, none, sha256)",
                CodecNames.CHECKSUM.check("md5", Set.of("none")));
    }

    @Test
    void exportMayBeTcpOrAUnixSocket() throws Exception {
        assertEquals(HastAddress.parse("tcp6://[::1]:10809"),
                parse(resource("export tcp6://[::1]:10809 export-insecure on", "")).resources().get(0).export()
                        .address());
        assertEquals(HastAddress.parse("tcp://0.0.0.0:8457"),
                parse(resource("export 0.0.0.0 export-insecure on", "")).resources().get(0).export().address(),
                "a bare host gets port 8457");
        assertEquals(HastAddress.parse("uds:///run/hast/r.nbd"),
                parse(resource("export /run/hast/r.nbd", "")).resources().get(0).export().address());
    }

    @Test
    void exportProtectionIsInheritedLikeExport() throws Exception {
        ExportConfig e = parse("export-tls /etc/hast/tls\non alpha { export-tls-verify on }\n"
                + resource("export tcp://127.0.0.1:10809", "")).resources().get(0).export();
        assertEquals(new ExportConfig(HastAddress.parse("tcp://127.0.0.1:10809"), "/etc/hast/tls", true, false,
                List.of()), e);
        ExportConfig insecure = parse("export-insecure on\nexport tcp://127.0.0.1:10809\n"
                + resource("", "export-insecure off export-tls /r/tls")).resources().get(0).export();
        assertEquals(new ExportConfig(HastAddress.parse("tcp://127.0.0.1:10809"), "/r/tls", false, false, List.of()),
                insecure,
                "the resource's node section wins");
        assertEquals(Boolean.TRUE, parse(resource("export tcp://127.0.0.1:1 export-insecure on", ""))
                .resources().get(0).export().deviceProperties().get(hast.api.device.HastDevice.EXPORT_INSECURE));
    }

    @Test
    void exportAllowListsAddressesAndBlocksUpToTheNextKeywordAndIsInheritedLikeExport() throws Exception {
        ExportConfig e = parse("export-allow 127.0.0.1 10.0.0.0/8 ::1 fd00::/8 export-insecure on\n"
                + resource("export tcp://127.0.0.1:10809", "")).resources().get(0).export();
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), e.allow());
        assertTrue(e.insecure(), "the keyword after the list is read as one");
        assertArrayEquals(new String[] {"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"},
                (String[]) e.deviceProperties().get(hast.api.device.HastDevice.EXPORT_ALLOW));
        ExportConfig mine = parse("export-allow 10.0.0.0/8\n" + resource("export tcp://127.0.0.1:1 export-insecure on",
                "export-allow 127.0.0.3")).resources().get(0).export();
        assertEquals(List.of("127.0.0.3"), mine.allow(), "the resource's node section wins");
        ExportConfig socket = parse("export-allow 10.0.0.0/8\n" + resource("", "")).resources().get(0).export();
        assertNull(socket.deviceProperties().get(hast.api.device.HastDevice.EXPORT_ALLOW),
                "a Unix socket export has no client addresses to check");
    }

    @Test
    void aRealisticFreeBsdStyleFileWithLinuxPaths() throws Exception {
        String text = String.join("\r\n",
                "# /etc/hast.conf -- copied from a FreeBSD pair, paths adapted for Linux",
                "control /run/hast/hastctl",
                "pidfile /run/hastd.pid",
                "listen 0.0.0.0:8457",
                "replication memsync",
                "compression lzf\t\t# LZF pays off on the 1 GbE link",
                "checksum crc32",
                "timeout 30",
                "exec /usr/local/libexec/hast-hook.sh",
                "",
                "on storage-a {",
                "\tcontrol uds:///run/hast/a.sock",
                "}",
                "",
                "resource shared {",
                "\tname shared_disk",
                "\tlocal /dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
                "\ton storage-a {",
                "\t\tremote tcp4://192.168.10.2",
                "\t\tsource tcp4://192.168.10.1",
                "\t}",
                "\ton storage-b {",
                "\t\tremote tcp4://192.168.10.1",
                "\t}",
                "}",
                "",
                "resource logs {",
                "\treplication async",
                "\tmetaflush off",
                "\ton storage-a {",
                "\t\tlocal /dev/mapper/vg0-hastlogs",
                "\t\tremote none",
                "\t\texport uds:///run/hast/logs.nbd",
                "\t}",
                "\ton storage-b {",
                "\t\tlocal /dev/vdb1",
                "\t\tremote none",
                "\t}",
                "}",
                "");
        HastConfig a = new ConfigParser(new NodeIdentity("storage-a.dc1.example.net", null, null))
                .parse(text, "/etc/hast.conf");
        assertEquals(HastAddress.parse("uds:///run/hast/a.sock"), a.control());
        assertEquals("/run/hastd.pid", a.pidfile());
        assertEquals(List.of(HastAddress.parse("tcp://0.0.0.0:8457")), a.listen());
        assertEquals(List.of("shared", "logs"), a.resources().stream().map(ResourceConfig::name).toList());
        assertEquals(new ResourceConfig("shared", "shared_disk", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
                "tcp4://192.168.10.2:8457", "tcp4://192.168.10.1:0", "memsync", "crc32", "lzf", 30,
                "/usr/local/libexec/hast-hook.sh", true,
                new ExportConfig(HastAddress.parse("uds:///run/hast/nbd.sock"), null, false, false, List.of()), false,
                null, null, SyncRateConfig.DEFAULT),
                a.resource("shared").orElseThrow());
        assertEquals(new ResourceConfig("logs", "logs", "/dev/mapper/vg0-hastlogs", "none", null, "async",
                "crc32", "lzf", 30, "/usr/local/libexec/hast-hook.sh", false,
                new ExportConfig(HastAddress.parse("uds:///run/hast/logs.nbd"), null, false, false, List.of()), false,
                null, null, SyncRateConfig.DEFAULT),
                a.resource("logs").orElseThrow());

        HastConfig b = new ConfigParser(NodeIdentity.named("storage-b")).parse(text, "/etc/hast.conf");
        assertEquals(HastAddress.parse("uds:///run/hast/hastctl"), b.control());
        assertEquals("tcp4://192.168.10.1:8457", b.resource("shared").orElseThrow().remote());
        assertEquals("/dev/vdb1", b.resource("logs").orElseThrow().local());
        assertEquals(HastAddress.parse("uds:///run/hast/nbd.sock"), b.resource("logs").orElseThrow().export().address());
    }

    @Test
    void anEmptyFileIsAValidConfigurationWithNoResources() throws Exception {
        HastConfig c = parse("# nothing yet\n");
        assertTrue(c.resources().isEmpty());
        assertEquals(HastAddress.parse("uds:///var/run/hastctl"), c.control());
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hast.conf");
        Files.writeString(file, resource("", ""));
        HastConfig c = alpha.parse(file);
        assertEquals(file.toAbsolutePath(), c.file());
        assertEquals("/dev/sdb", c.resources().get(0).local());
    }

    @Test
    void aFileThatCannotBeReadIsAnOsFileError(@TempDir Path dir) {
        ConfigException missing = assertThrows(ConfigException.class, () -> alpha.parse(dir.resolve("nope.conf")));
        assertEquals(Sysexits.EX_OSFILE, missing.status());
        assertEquals(dir.resolve("nope.conf") + ": no such file", missing.getMessage());
        assertEquals(0, missing.line());
        assertEquals(dir.resolve("nope.conf").toString(), missing.file());
        ConfigException directory = assertThrows(ConfigException.class, () -> alpha.parse(dir));
        assertEquals(Sysexits.EX_OSFILE, directory.status());
        assertTrue(directory.getMessage().startsWith(dir + ": unable to read: "), directory.getMessage());
    }

    @Test
    void aFileThatIsNotTextIsAConfigError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hast.conf");
        Files.write(file, new byte[] {'#', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> alpha.parse(file));
        assertEquals(Sysexits.EX_CONFIG, e.status());
        assertEquals(file + ": not a text file (invalid UTF-8)", e.getMessage());
    }

    @Test
    void linkTlsIsTakenFromTheMostSpecificSection() throws Exception {
        String text = String.join("\n", "link-tls /etc/hast/link-tls",
                "on alpha { link-tls-peer beta }",
                "resource r { on alpha { local /x remote tcp4://10.0.0.2 } }",
                "resource s { link-tls /etc/hast/s-tls on alpha { local /y remote tcp4://10.0.0.2 link-tls-peer b2 } }",
                "resource t { on alpha { local /z remote none } }", "");
        HastConfig c = alpha.parse(text, "/etc/hast.conf");
        assertEquals(new LinkTls(Path.of("/etc/hast/link-tls"), "beta"), c.resource("r").orElseThrow().tls());
        assertEquals(new LinkTls(Path.of("/etc/hast/s-tls"), "b2"), c.resource("s").orElseThrow().tls());
        HastConfig plain = alpha.parse("resource r { on alpha { local /x remote none } }\n", "/etc/hast.conf");
        assertNull(plain.resource("r").orElseThrow().tls(), "a plain link by default");
    }

    @Test
    void anyWellFormedModeNameParsesForModeBundlesBringTheirOwn() throws Exception {
        for (String mode : List.of("fullsync", "memsync", "async", "quorum", "Witness-2", "site/b:[1].x_y")) {
            assertEquals(mode, parse(resource("replication " + mode, "")).resources().get(0).replication());
        }
    }

    @Test
    void aModeNameIsNeitherAnotherReservedWordNorAKeywordNorDigits() {
        for (String bad : List.of("on", "resource", "direct", "2024")) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse("replication " + bad + "\n"));
            assertTrue(e.getMessage().startsWith("hast.conf:1: invalid replication '" + bad + "' ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("; expected a mode name of letters, digits and . - _ / : [ ]"
                    + " (the reference's are fullsync, memsync, async)"), e.getMessage());
        }
    }

    @Test
    void whetherAModeNameNamesAModeIsTheRunningNodesQuestion() {
        assertNull(CodecNames.REPLICATION.check("memsync", Set.of()), "the reference's names always pass");
        assertNull(CodecNames.REPLICATION.check("quorum", Set.of("fullsync", "quorum")));
        assertEquals("Unknown replication mode 'quorom' (known here: async, fullsync, memsync, quorum)",
                CodecNames.REPLICATION.check("quorom", Set.of("fullsync", "quorum")));
    }
}
