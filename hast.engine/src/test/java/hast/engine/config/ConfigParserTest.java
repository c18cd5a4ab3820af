package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import hast.api.HastAddress;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigParserTest {
    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    private HastConfig parse(String text) throws ConfigException {
        return alpha.parse(text, "hast.conf");
    }

    private ConfigException error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    private static String minimal(String resourceBody, String nodeBody) {
        return "resource r {\n" + resourceBody + "\n on alpha {\n local /dev/sdb\n remote 10.0.0.2\n" + nodeBody
                + "\n }\n}\n";
    }

    @Test
    void defaultsAreTheReferences() throws Exception {
        HastConfig c = parse(minimal("", ""));
        assertEquals(HastAddress.parse("uds:///var/run/hastctl"), c.control());
        assertEquals("/var/run/hastd.pid", c.pidfile());
        assertEquals(List.of(HastAddress.parse("tcp4://0.0.0.0:8457")), c.listen());
        ResourceConfig r = c.resources().get(0);
        assertEquals("r", r.name());
        assertEquals("r", r.provname());
        assertEquals("/dev/sdb", r.local());
        assertEquals("tcp://10.0.0.2:8457", r.remote());
        assertNull(r.source());
        assertEquals(Replication.MEMSYNC, r.replication());
        assertEquals("none", r.checksum());
        assertEquals("hole", r.compression());
        assertEquals(20, r.timeout());
        assertEquals("", r.exec());
        assertTrue(r.metaflush());
        assertEquals(HastAddress.parse("tcp://127.0.0.1:10809"), r.export());
        assertTrue(r.hasRemote());
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
        assertEquals(Replication.ASYNC, inherit.replication());
        assertEquals("crc32", inherit.checksum());
        assertEquals("lzf", inherit.compression());
        assertEquals(5, inherit.timeout());
        assertEquals("/g/hook", inherit.exec());
        assertFalse(inherit.metaflush());
        assertFalse(inherit.hasRemote());
        assertEquals(HastAddress.parse("uds:///alpha-nbd.sock"), inherit.export(), "global node section over global");
        ResourceConfig own = c.resource("own").orElseThrow();
        assertEquals("mine", own.provname());
        assertEquals("/d2", own.local());
        assertEquals("tcp4://10.0.0.2:8000", own.remote());
        assertEquals("tcp4://10.0.0.1:0", own.source(), "source has no default port");
        assertEquals(Replication.FULLSYNC, own.replication());
        assertEquals("sha256", own.checksum());
        assertEquals("none", own.compression());
        assertEquals(7, own.timeout());
        assertEquals("/r/hook", own.exec());
        assertFalse(own.metaflush(), "resource node section over resource block");
        assertEquals(HastAddress.parse("uds:///own.sock"), own.export());
    }

    @Test
    void resourceLevelValuesApplyWithoutNodeOverrides() throws Exception {
        ResourceConfig r = parse("resource r { name prov local /dev/x export tcp://127.0.0.1:9 on alpha { remote none } }")
                .resources().get(0);
        assertEquals("prov", r.provname());
        assertEquals("/dev/x", r.local());
        assertEquals(HastAddress.parse("tcp://127.0.0.1:9"), r.export());
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hast.conf");
        Files.writeString(file, minimal("", ""));
        HastConfig c = alpha.parse(file);
        assertEquals(file.toAbsolutePath(), c.file());
        ConfigException missing = assertThrows(ConfigException.class, () -> alpha.parse(dir.resolve("nope.conf")));
        assertEquals(Sysexits.EX_OSFILE, missing.status());
        assertTrue(missing.getMessage().endsWith("nope.conf: no such file"), missing.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            remote at global level         | remote 1.2.3.4                                      | 1 | 'remote' is not allowed in the global section (allowed only inside a resource's 'on <node>' section)
            local in a global node section | on alpha {\\n local /x }                           | 2 | 'local' is not allowed in a global 'on <node>' section (allowed only in a resource block or its 'on <node>' section)
            control in a resource          | resource r {\\n control uds:///x }                 | 2 | 'control' is not allowed in a resource block (allowed only globally or in a global 'on <node>' section)
            unknown word                   | bogus 1                                             | 1 | unexpected 'bogus' in the global section (expected a keyword)
            bad replication                | replication sometimes                               | 1 | invalid replication 'sometimes' (expected fullsync, memsync, async)
            bad metaflush                  | metaflush yes                                       | 1 | invalid metaflush 'yes' (expected on, off)
            timeout not a number           | timeout soon                                        | 1 | timeout needs a number of seconds, not 'soon'
            zero timeout                   | \\ntimeout 0                                        | 2 | Negative or zero timeout.
            digits where a name goes       | resource 1234 { }                                   | 1 | expected resource name, found '1234' (a value of digits only is read as a number)
            keyword where a name goes      | resource none { }                                   | 1 | expected resource name, found 'none' (it is a reserved word)
            missing open brace             | resource r local /x                                 | 1 | expected '{', found 'local'
            unclosed block                 | resource r {\\n on alpha {\\n local /x             | 3 | missing '}' at end of file (a resource's 'on <node>' section is not closed)
            stray close brace              | }                                                   | 1 | unexpected '}' (no block is open)
            bad character                  | pidfile /var/run/h@st.pid                           | 1 | unexpected character '@' (values may contain only letters, digits and . - _ / : [ ])
            unknown checksum               | checksum md5                                        | 1 | Unknown checksum 'md5' (known: none, crc32, sha256)
            unknown compression            | compression zstd                                    | 1 | Unknown compression 'zstd' (known: none, hole, lzf)
            control must be a socket path  | control tcp://127.0.0.1:1                           | 1 | control address 'tcp://127.0.0.1:1' must be a Unix-domain socket (uds:///path)
            listen must be tcp             | listen uds:///x                                     | 1 | listen address 'uds:///x' must be a TCP address (tcp://host:port)
            bad port                       | listen 127.0.0.1:99999                              | 1 | listen: Invalid port '99999' in address '127.0.0.1:99999' (expected 0 to 65535)
            set twice                      | timeout 5\\ntimeout 6                               | 2 | 'timeout' is set twice in the same block (first on line 1)
            """)
    void syntaxErrorsNameFileLineAndProblem(String what, String text, int line, String problem) {
        ConfigException e = error(text.replace("\\n", "\n"));
        assertEquals("hast.conf:" + line + ": " + problem, e.getMessage(), what);
        assertEquals(line, e.line());
        assertEquals(Sysexits.EX_CONFIG, e.status());
    }

    @Test
    void semanticErrorsUseTheReferenceWording() {
        assertEquals("hast.conf:1: No resource r configuration for this node (acceptable node names: alpha).",
                error("resource r { on beta { local /x remote none } }").getMessage());
        assertEquals("hast.conf:1: Path to local component not configured for resource r.",
                error("resource r { on alpha { remote none } }").getMessage());
        assertEquals("hast.conf:1: Remote address not configured for resource r.",
                error("resource r { on alpha { local /x } }").getMessage());
        assertEquals("hast.conf:2: Resource r configured more than once.",
                error("resource r { on alpha { local /x remote none } }\nresource r { on alpha { local /y remote none } }").getMessage());
        assertEquals("hast.conf:2: Resource s has the same local path (/x) as resource r.",
                error("resource r { on alpha { local /x remote none } }\nresource s { on alpha { local /x remote none } }").getMessage());
        assertEquals("hast.conf:2: Resource s has the same provider name (p) as resource r.",
                error("resource r { name p on alpha { local /x remote none } }\nresource s { name p on alpha { local /y remote none } }").getMessage());
        assertEquals("hast.conf:1: Exec path is too long.", error("exec /" + "x".repeat(1100)).getMessage());
        assertEquals("hast.conf:1: Resource name is too long.",
                error("resource " + "r".repeat(300) + " { on alpha { local /x remote none } }").getMessage());
    }

    @Test
    void sectionsForOtherNodesAreParsedButIgnored() throws Exception {
        HastConfig c = parse("on beta { control uds:///beta }\n" + minimal("", "") + "resource q { on beta { local /q remote none } on alpha { local /q2 remote none } }");
        assertEquals(HastAddress.parse("uds:///var/run/hastctl"), c.control());
        assertEquals("/q2", c.resource("q").orElseThrow().local());
    }

    @Test
    void anEmptyFileIsAValidConfigurationWithNoResources() throws Exception {
        HastConfig c = parse("# nothing yet\n");
        assertTrue(c.resources().isEmpty());
    }

    @Test
    void nodeIdentityMatchesHostnameShortNameMachineIdAndHostid() {
        NodeIdentity id = new NodeIdentity("db1.example.org", "0123ABCD", 3735928559L);
        assertTrue(id.matches("db1.example.org"));
        assertTrue(id.matches("db1"));
        assertTrue(id.matches("0123abcd"), "the machine id is compared ignoring case");
        assertTrue(id.matches("hostid3735928559"));
        assertFalse(id.matches("DB1"), "host names are compared exactly");
        assertFalse(id.matches("3735928559"));
        assertEquals(List.of("db1.example.org", "db1", "hostid3735928559", "0123ABCD"), id.names());
        assertEquals(List.of("solo"), NodeIdentity.named("solo").names());
    }
}
