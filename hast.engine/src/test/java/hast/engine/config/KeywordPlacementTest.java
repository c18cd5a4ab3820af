package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import hast.api.HastAddress;
import hast.engine.replication.LinkSecret;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every keyword written at every level: where the reference's placement table (plus ours:
 * export and its export-insecure, export-tls, export-tls-verify and export-allow, shared-secret and auth-alg at all
 * four levels,
 * direct where metaflush goes, user where pidfile goes) allows it, the value must reach the resolved configuration;
 * elsewhere the parser must refuse it on its line.
 */
class KeywordPlacementTest {
    private static final String GLOBAL = "global";
    private static final String GLOBAL_NODE = "global-node";
    private static final String RESOURCE = "resource";
    private static final String RESOURCE_NODE = "resource-node";
    private static final String SECRET = "correct-horse-battery";

    @ParameterizedTest(name = "{0} {1}: allowed in {2}")
    @CsvSource(delimiter = '|', textBlock = """
            control     | uds:///run/x.sock       | global global-node
            pidfile     | /run/x.pid              | global global-node
            listen      | 127.0.0.1:7000          | global global-node
            replication | async                   | global resource
            checksum    | crc32                   | global resource
            compression | lzf                     | global resource
            timeout     | 9                       | global resource
            exec        | /usr/libexec/hast-hook  | global resource
            metaflush   | off                     | global resource resource-node
            name        | prov                    | resource resource-node
            local       | /dev/sdc                | resource resource-node
            remote      | 10.0.0.7                | resource-node
            source      | 10.0.0.1                | resource-node
            export      | uds:///run/x.nbd        | global global-node resource resource-node
            export-insecure | on                  | global global-node resource resource-node
            export-tls  | /etc/hast/tls           | global global-node resource resource-node
            export-tls-verify | on                | global global-node resource resource-node
            export-allow | 127.0.0.0/8 ::1       | global global-node resource resource-node
            direct      | on                      | global resource resource-node
            user        | hast                    | global global-node
            shared-secret | correct-horse-battery | global global-node resource resource-node
            auth-alg    | hmac-sha512             | global global-node resource resource-node
            """)
    void keywordIsAcceptedExactlyWhereTheTableAllowsIt(String keyword, String value, String allowedIn)
            throws Exception {
        Set<String> allowed = Set.of(allowedIn.split(" "));
        for (String level : List.of(GLOBAL, GLOBAL_NODE, RESOURCE, RESOURCE_NODE)) {
            // An algorithm shows only with a secret to apply it to.
            String text = fileWith(level, keyword + " " + value, keyword)
                    + (keyword.equals("auth-alg") ? "\nshared-secret " + SECRET : "");
            ConfigParser parser = new ConfigParser(NodeIdentity.named("alpha"));
            if (allowed.contains(level)) {
                HastConfig config = parser.parse(text, "hast.conf");
                assertEquals(expected(keyword, value), resolved(keyword, config), keyword + " in " + level);
            } else {
                ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(text, "hast.conf"),
                        keyword + " in " + level);
                assertEquals(2, e.line(), e.getMessage());
                assertEquals("hast.conf:2: unexpected '" + keyword + "' in " + description(level),
                        e.getMessage().substring(0, e.getMessage().indexOf(" (")), keyword + " in " + level);
            }
        }
    }

    /**
     * A valid file with {@code statement} on line 2 at {@code level}; the resource's own local and
     * remote lines are left out where the statement itself provides them.
     */
    private static String fileWith(String level, String statement, String keyword) {
        String at = "\n" + statement + "\n";
        String base = (keyword.equals("local") ? "" : " local /dev/sdb")
                + (keyword.equals("remote") ? "" : " remote none");
        return switch (level) {
            case GLOBAL -> "#" + at + "resource r { on alpha {" + base + " } }";
            case GLOBAL_NODE -> "on alpha {" + at + "}\nresource r { on alpha {" + base + " } }";
            case RESOURCE -> "resource r {" + at + "on alpha {" + base + " } }";
            case RESOURCE_NODE -> "resource r { on alpha {" + at + base + " } }";
            default -> throw new IllegalArgumentException(level);
        };
    }

    private static String description(String level) {
        return switch (level) {
            case GLOBAL -> "the global section";
            case GLOBAL_NODE -> "a global 'on <node>' section";
            case RESOURCE -> "a resource block";
            case RESOURCE_NODE -> "a resource's 'on <node>' section";
            default -> throw new IllegalArgumentException(level);
        };
    }

    private static String expected(String keyword, String value) {
        return switch (keyword) {
            case "control", "listen", "export", "remote" -> HastAddress.parse(value).toString();
            case "source" -> HastAddress.parse(value, 0).toString();
            default -> value;
        };
    }

    private static String resolved(String keyword, HastConfig config) {
        ResourceConfig r = config.resources().get(0);
        return switch (keyword) {
            case "control" -> config.control().toString();
            case "pidfile" -> config.pidfile();
            case "listen" -> String.join(" ", config.listen().stream().map(HastAddress::toString).toList());
            case "replication" -> r.replication();
            case "checksum" -> r.checksum();
            case "compression" -> r.compression();
            case "timeout" -> Integer.toString(r.timeout());
            case "exec" -> r.exec();
            case "metaflush" -> r.metaflush() ? "on" : "off";
            case "name" -> r.provname();
            case "local" -> r.local();
            case "remote" -> r.remote();
            case "source" -> r.source();
            case "export" -> r.export().address().toString();
            case "export-insecure" -> r.export().insecure() ? "on" : "off";
            case "export-tls" -> r.export().tls();
            case "export-tls-verify" -> r.export().tlsVerify() ? "on" : "off";
            case "export-allow" -> String.join(" ", r.export().allow());
            case "direct" -> r.direct() ? "on" : "off";
            case "user" -> config.user();
            // The secret never shows in text: compared as a secret.
            case "shared-secret" -> LinkSecret.of(SECRET, LinkSecret.DEFAULT_ALGORITHM).equals(r.secret()) ? SECRET
                    : String.valueOf(r.secret());
            case "auth-alg" -> r.secret().algorithm();
            default -> throw new IllegalArgumentException(keyword);
        };
    }
}
