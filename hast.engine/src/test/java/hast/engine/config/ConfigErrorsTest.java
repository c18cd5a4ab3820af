package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hast.api.Sysexits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way hast.conf can be refused: the message names file, 1-based line and problem. */
class ConfigErrorsTest {
    private static final String OK_RESOURCE = "resource r { on alpha { local /dev/sdb remote none } }";

    private static ConfigException error(String text) {
        ConfigParser parser = new ConfigParser(NodeIdentity.named("alpha"));
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(text, "/etc/hast.conf"));
        assertEquals(Sysexits.EX_CONFIG, e.status(), e.getMessage());
        assertEquals("/etc/hast.conf", e.file());
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            remote in a resource block     | resource r {\\n remote 10.0.0.2                 | 2 | unexpected 'remote' in a resource block (allowed only inside 'on <node>')
            remote at global level         | remote 1.2.3.4                                   | 1 | unexpected 'remote' in the global section (allowed only in a resource's 'on <node>' section)
            local in a global node section | on alpha {\\n local /x }                        | 2 | unexpected 'local' in a global 'on <node>' section (allowed only in a resource block or a resource's 'on <node>' section)
            control in a resource          | resource r {\\n control uds:///x }              | 2 | unexpected 'control' in a resource block (allowed only in the global section or a global 'on <node>' section)
            timeout in a node section      | resource r { on alpha {\\n timeout 5 } }        | 2 | unexpected 'timeout' in a resource's 'on <node>' section (allowed only in the global section or a resource block)
            nested resource                | resource r {\\n resource s { } }                | 2 | unexpected 'resource' in a resource block (allowed only in the global section)
            on inside on                   | resource r { on alpha {\\n on beta { } } }      | 2 | unexpected 'on' in a resource's 'on <node>' section (allowed only in the global section or a resource block)
            unknown keyword                | \\n\\nbogus 1                                   | 3 | unknown keyword 'bogus' in the global section
            unknown keyword in a block     | resource r {\\n size 10 }                       | 2 | unknown keyword 'size' in a resource block
            a value where a keyword goes   | fullsync                                         | 1 | unexpected 'fullsync' in the global section (expected a keyword)
            a number where a keyword goes  | 42                                               | 1 | unexpected '42' in the global section (expected a keyword)
            a brace where a keyword goes   | {                                                | 1 | unexpected '{' in the global section (expected a keyword)
            stray close brace              | }                                                | 1 | unexpected '}' (no block is open)
            close brace too many           | resource r { on alpha { local /x remote none } }\\n} | 2 | unexpected '}' (no block is open)
            missing open brace             | resource r local /x                              | 1 | expected '{', found 'local'
            missing open brace after on    | on alpha\\n control /x                          | 2 | expected '{', found 'control'
            on at end of file              | on alpha                                         | 1 | expected '{', found end of file
            missing value at end of file   | pidfile                                          | 1 | expected pidfile value, found end of file
            unclosed node section          | resource r {\\n on alpha {\\n local /x          | 3 | missing '}' at end of file (a resource's 'on <node>' section is not closed)
            unclosed resource              | resource r {\\n on alpha { local /x remote none }\\n | 3 | missing '}' at end of file (a resource block is not closed)
            unclosed global node section   | on alpha {\\n listen 10.0.0.1\\n\\n              | 4 | missing '}' at end of file (a global 'on <node>' section is not closed)
            digits as a resource name      | resource 1234 { }                                | 1 | expected resource name, found '1234' (a value of digits only is read as a number)
            digits as a node name          | resource r { on 1234 { } }                       | 1 | expected node name, found '1234' (a value of digits only is read as a number)
            digits as a local path         | resource r {\\n local 2024 }                    | 2 | expected local value, found '2024' (a value of digits only is read as a number)
            digits as a remote host        | resource r { on alpha {\\n remote 10 } }        | 2 | expected remote address, found '10' (a value of digits only is read as a number)
            keyword as a resource name     | resource none { }                                | 1 | expected resource name, found 'none' (it is a reserved word)
            keyword as a provider name     | resource r {\\n name local }                    | 2 | expected name value, found 'local' (it is a reserved word)
            replication without a value    | replication\\n resource r { }                  | 2 | invalid replication 'resource' (it is a reserved word); expected a mode name of letters, digits and . - _ / : [ ] (the reference's are fullsync, memsync, async)
            bad metaflush                  | metaflush yes                                    | 1 | invalid metaflush 'yes' (expected on, off)
            bad direct                     | resource r {\\n direct always }                 | 2 | invalid direct 'always' (expected on, off)
            user without a name            | user {                                           | 1 | expected user name, found '{'
            metrics-listen in a resource   | resource r {\\n metrics-listen 127.0.0.1 }     | 2 | unexpected 'metrics-listen' in a resource block (allowed only in the global section or a global 'on <node>' section)
            metrics-listen on a socket     | metrics-listen uds:///run/m.sock                 | 1 | metrics-listen address 'uds:///run/m.sock' must be a TCP address (tcp://host:port)
            digits as a user               | user 1000                                        | 1 | expected user name, found '1000' (a value of digits only is read as a number)
            user in a resource             | resource r {\\n user hast }                     | 2 | unexpected 'user' in a resource block (allowed only in the global section or a global 'on <node>' section)
            direct in a global node section | on alpha {\\n direct on }                      | 2 | unexpected 'direct' in a global 'on <node>' section (allowed only in the global section or a resource block or a resource's 'on <node>' section)
            timeout not a number           | timeout soon                                     | 1 | timeout needs a number of seconds, not 'soon'
            zero timeout                   | \\ntimeout 0                                     | 2 | Negative or zero timeout.
            negative timeout               | resource r {\\n timeout -5 }                    | 2 | Negative or zero timeout.
            huge timeout                   | timeout 99999999999                              | 1 | timeout 99999999999 is too large (at most 2147483647 seconds).
            bad character                  | pidfile /var/run/h@st.pid                        | 1 | unexpected character '@' (values may contain only letters, digits and . - _ / : [ ])
            control character              | pidfile /var/run/\\u0001                         | 1 | unexpected character '\\u0001' (values may contain only letters, digits and . - _ / : [ ])
            malformed checksum name        | checksum CRC32                                   | 1 | invalid checksum name 'CRC32' (expected a codec name of lower-case letters, digits, '_' and '-')
            missing compression name       | compression {                                    | 1 | invalid compression name '{' (expected a codec name of lower-case letters, digits, '_' and '-')
            control must be a socket       | control tcp://127.0.0.1:1                        | 1 | control address 'tcp://127.0.0.1:1' must be a Unix-domain socket (uds:///path)
            listen must be tcp             | listen uds:///x                                  | 1 | listen address 'uds:///x' must be a TCP address (tcp://host:port)
            remote must be tcp             | resource r { on alpha { local /x\\n remote /run/peer } } | 2 | remote address '/run/peer' must be a TCP address (tcp://host:port)
            unknown address scheme         | export udp://127.0.0.1                           | 1 | export: Unknown address scheme in 'udp://127.0.0.1' (expected tcp4://, tcp6://, tcp://, uds:// or unix://)
            relative socket path           | on alpha {\\n export uds://nbd.sock }           | 2 | export: Unix socket address 'uds://nbd.sock' must name an absolute path
            plain TCP export               | \\nexport tcp://127.0.0.1:10809\\nresource r { on alpha { local /x remote none } } | 2 | export tcp://127.0.0.1:10809 of resource r is plain TCP, open to anyone who can reach it: give it 'export-tls <directory>' (NBD over TLS), or 'export-insecure on' to accept that, or export on a Unix socket.
            plain TCP export of a resource | resource r { on alpha { local /x remote none\\n export tcp://127.0.0.1:1 export-insecure off } } | 2 | export tcp://127.0.0.1:1 of resource r is plain TCP, open to anyone who can reach it: give it 'export-tls <directory>' (NBD over TLS), or 'export-insecure on' to accept that, or export on a Unix socket.
            bad export-insecure            | resource r {\\n export-insecure yes }          | 2 | invalid export-insecure 'yes' (expected on, off)
            bad export-tls-verify          | on alpha {\\n export-tls-verify 1 }            | 2 | invalid export-tls-verify '1' (expected on, off)
            export-tls without directory   | export-tls {                                     | 1 | expected TLS credentials directory, found '{'
            relative export-tls            | \\nexport-tls etc/tls                          | 2 | export-tls directory 'etc/tls' must be an absolute path.
            export-tls in a node's block   | resource r { on alpha { local /x remote none\\n export-tls tls } } | 2 | export-tls directory 'tls' must be an absolute path.
            relative link-tls              | \\nlink-tls etc/tls                            | 2 | link-tls directory 'etc/tls' must be an absolute path.
            link-tls without directory     | link-tls {                                       | 1 | expected TLS credentials directory, found '{'
            link-tls-peer without link-tls | resource r { on alpha { local /x remote none\\n link-tls-peer beta } } | 2 | link-tls-peer of resource r without link-tls: the peer's name is checked in its TLS certificate, so give the resource 'link-tls <directory>' too.
            export-allow of a host name    | resource r { on alpha { local /x remote none\\n export-allow db.example } } | 2 | invalid export-allow: 'db.example' is not a numeric IPv4 or IPv6 address, with or without a /prefix-length (host names are not accepted).
            export-allow prefix too long   | \\nexport-allow 127.0.0.1 10.0.0.0/33\\nresource r { on alpha { local /x remote none } } | 2 | invalid export-allow: '10.0.0.0/33' has an invalid prefix length '33' (expected 0 to 32).
            export-allow host bits set     | resource r { on alpha { local /x remote none\\n export-allow 10.0.0.1/8 } } | 2 | invalid export-allow: '10.0.0.1/8' has bits set past its /8 prefix (did you mean the network it lies in?).
            export-allow bad IPv6          | resource r { on alpha { local /x remote none\\n export-allow fe80:::1 } } | 2 | invalid export-allow: 'fe80:::1' is not a valid IPv4 or IPv6 address.
            export-allow without address   | export-allow {                                   | 1 | expected export-allow address or CIDR block, found '{'
            export-allow of a number       | export-allow 10                                  | 1 | expected export-allow address or CIDR block, found '10' (a value of digits only is read as a number)
            bad port                       | listen 127.0.0.1:99999                           | 1 | listen: Invalid port '99999' in address '127.0.0.1:99999' (expected 0 to 65535)
            short secret                   | \\nshared-secret abc                             | 2 | shared-secret of 3 characters (expected 8 to 254)
            keyword as a secret            | shared-secret none                               | 1 | expected a shared-secret value of letters, digits and . - _ / : [ ], found a reserved word
            unknown auth-alg               | on alpha {\\n auth-alg md5 }                  | 2 | unknown auth-alg 'md5' (expected hmac-sha256, hmac-sha384 or hmac-sha512)
            secret set twice               | shared-secret abcdefgh1\\nshared-secret abcdefgh2 | 2 | 'shared-secret' is set twice in the same block (first on line 1)
            set twice                      | timeout 5\\ntimeout 6                            | 2 | 'timeout' is set twice in the same block (first on line 1)
            set twice in a node section    | resource r { on alpha { local /x\\n local /y } } | 2 | 'local' is set twice in the same block (first on line 1)
            """)
    void syntaxErrors(String what, String text, int line, String problem) {
        ConfigException e = error(text.replace("\\n", "\n").replace("\\u0001", "\u0001"));
        assertEquals("/etc/hast.conf:" + line + ": " + problem, e.getMessage(), what);
        assertEquals(line, e.line(), what);
    }

    @Test
    void aResourceWithoutASectionForThisNodeListsTheAcceptableNames() {
        assertEquals("/etc/hast.conf:2: No resource r configuration for this node (acceptable node names: alpha).",
                error("\nresource r { on beta { local /x remote none } }").getMessage());
        ConfigParser db1 = new ConfigParser(new NodeIdentity("db1.example.org", "5f0c2a9e", 3735928559L));
        ConfigException e = assertThrows(ConfigException.class,
                () -> db1.parse("resource r {\n on db2 { local /x remote none }\n}", "hast.conf"));
        assertEquals("hast.conf:1: No resource r configuration for this node (acceptable node names: "
                + "db1, db1.example.org, 5f0c2a9e, hostid3735928559).", e.getMessage());
    }

    @Test
    void missingLocalOrRemoteUseTheReferenceWording() {
        assertEquals("/etc/hast.conf:1: Path to local component not configured for resource r.",
                error("resource r { on alpha { remote none } }").getMessage());
        assertEquals("/etc/hast.conf:1: Remote address not configured for resource r.",
                error("resource r { on alpha { local /x } }").getMessage());
        assertEquals("/etc/hast.conf:1: Remote address not configured for resource r.",
                error("resource r { local /x on alpha { } on beta { remote 10.0.0.1 } }").getMessage(),
                "another node's remote is not ours");
    }

    @Test
    void duplicatesAmongResourcesAreRefused() {
        assertEquals("/etc/hast.conf:2: Resource r configured more than once.",
                error(OK_RESOURCE + "\nresource r { on alpha { local /y remote none } }").getMessage());
        assertEquals("/etc/hast.conf:2: Resource s has the same local path (/dev/sdb) as resource r.",
                error(OK_RESOURCE + "\nresource s { on alpha { local /dev/sdb remote none } }").getMessage());
        assertEquals("/etc/hast.conf:2: Resource s has the same provider name (p) as resource r.",
                error("resource r { name p on alpha { local /x remote none } }\n"
                        + "resource s { name p on alpha { local /y remote none } }").getMessage());
        assertEquals("/etc/hast.conf:2: Resource s has the same provider name (r) as resource r.",
                error(OK_RESOURCE + "\nresource s { on alpha { name r local /y remote none } }").getMessage(),
                "a provider named like another resource's default provider name");
    }

    @Test
    void twoSectionsForThisNodeMustNotDisagree() {
        ConfigParser db1 = new ConfigParser(new NodeIdentity("db1.example.org", null, null));
        ConfigException e = assertThrows(ConfigException.class, () -> db1.parse(
                "resource r {\n on db1 { local /x remote none }\n on db1.example.org {\n local /y }\n}", "hast.conf"));
        assertEquals("hast.conf:4: 'local' for this node is set in two 'on' sections naming it (first on line 2)",
                e.getMessage());
    }

    @Test
    void valuesLongerThanTheReferencesBuffersAreRefused() {
        assertEquals("/etc/hast.conf:1: Exec path is too long.", error("exec /" + "x".repeat(4095)).getMessage());
        assertEquals("/etc/hast.conf:1: pidfile argument is too long.",
                error("pidfile /" + "x".repeat(4095)).getMessage());
        assertEquals("/etc/hast.conf:1: listen argument is too long.",
                error("listen " + "h".repeat(1024)).getMessage());
        assertEquals("/etc/hast.conf:1: Resource name is too long.",
                error("resource " + "r".repeat(255) + " { on alpha { local /x remote none } }").getMessage());
        assertEquals("/etc/hast.conf:2: name argument is too long.",
                error("resource r {\n name " + "p".repeat(255) + " on alpha { local /x remote none } }").getMessage());
        assertEquals("/etc/hast.conf:1: local argument is too long.",
                error("resource r { on alpha { local /" + "d".repeat(4095) + " remote none } }").getMessage());
        assertEquals("/etc/hast.conf:1: remote argument is too long.",
                error("resource r { on alpha { local /x remote " + "h".repeat(1024) + " } }").getMessage());
        assertEquals("/etc/hast.conf:1: control socket path is too long (108 bytes, at most 107).",
                error("control /" + "s".repeat(107)).getMessage());
    }

    @Test
    void valuesAtTheReferencesLimitsAreAccepted() throws Exception {
        ConfigParser parser = new ConfigParser(NodeIdentity.named("alpha"));
        String name = "r".repeat(254);
        HastConfig c = parser.parse("exec /" + "x".repeat(4094) + "\ncontrol /" + "s".repeat(106) + "\nresource "
                + name + " { on alpha { local /x remote none } }", "hast.conf");
        assertEquals(name, c.resources().get(0).name());
        assertEquals(107, c.control().path().length());
    }

    @Test
    void anotherNodesSettingsAreNotChecked() throws Exception {
        ConfigParser parser = new ConfigParser(NodeIdentity.named("alpha"));
        HastConfig c = parser.parse("on beta { export udp://x control tcp://10.0.0.1 }\n"
                + "resource r { on alpha { local /x remote none } on beta { remote /not/tcp } }", "hast.conf");
        assertEquals("none", c.resources().get(0).remote());
    }

    @Test
    void globalDefaultsAreCheckedEvenWithoutResources() {
        assertEquals("/etc/hast.conf:1: invalid checksum name 'Adler' (expected a codec name of lower-case letters, "
                + "digits, '_' and '-')", error("checksum Adler").getMessage());
        assertEquals("/etc/hast.conf:2: Negative or zero timeout.", error("\ntimeout 0").getMessage());
        assertEquals("/etc/hast.conf:2: export: Unix socket address 'uds://x' must name an absolute path",
                error("\nexport uds://x").getMessage());
    }
}
