package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class NodeIdentityTest {

    @Test
    void matchesFullAndShortHostnameMachineIdAndHostid() {
        NodeIdentity id = new NodeIdentity("db1.example.org", "0123ABCD", 3735928559L);
        assertTrue(id.matches("db1.example.org"));
        assertTrue(id.matches("db1"));
        assertTrue(id.matches("0123abcd"), "the machine id is compared ignoring case, like kern.hostuuid");
        assertTrue(id.matches("0123ABCD"));
        assertTrue(id.matches("hostid3735928559"));
        assertFalse(id.matches("DB1"), "host names are compared exactly");
        assertFalse(id.matches("db1.example"));
        assertFalse(id.matches("example.org"));
        assertFalse(id.matches("3735928559"), "the host id needs its 'hostid' prefix");
        assertFalse(id.matches("HOSTID3735928559"));
    }

    @Test
    void listsNamesInTheReferencesOrder() {
        assertEquals(List.of("db1", "db1.example.org", "0123ABCD", "hostid3735928559"),
                new NodeIdentity("db1.example.org", "0123ABCD", 3735928559L).names());
        assertEquals(List.of("db1"), new NodeIdentity("db1", null, null).names(),
                "no short name without a dot");
        assertEquals(List.of("hostid0"), new NodeIdentity(null, "", 0L).names());
    }

    @Test
    void missingValuesMatchNothing() {
        NodeIdentity nothing = new NodeIdentity(null, null, null);
        assertTrue(nothing.names().isEmpty());
        assertFalse(nothing.matches(""));
        assertFalse(nothing.matches("hostid"));
        assertFalse(nothing.matches("null"));
    }

    @Test
    void aNamedNodeAnswersToExactlyThatName() {
        NodeIdentity named = NodeIdentity.named("node-a.lab");
        assertEquals(List.of("node-a.lab"), named.names());
        assertTrue(named.matches("node-a.lab"));
        assertFalse(named.matches("node-a"), "HAST_NODE gives one name; no short form is derived");
        assertThrows(IllegalArgumentException.class, () -> NodeIdentity.named(""));
    }

    @Test
    void fromEnvironmentUsesHastNodeOrTheKernelHostname() throws IOException {
        NodeIdentity id = NodeIdentity.fromEnvironment();
        String hastNode = System.getenv(NodeIdentity.HAST_NODE);
        if (hastNode != null && !hastNode.isEmpty()) {
            assertEquals(List.of(hastNode), id.names());
        } else {
            String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            assertTrue(id.matches(hostname), id.names() + " should contain " + hostname);
            Path machineId = Path.of("/etc/machine-id");
            if (Files.isReadable(machineId) && !Files.readString(machineId).isBlank()) {
                assertTrue(id.matches(Files.readString(machineId).trim().toUpperCase()), id.names().toString());
            }
        }
    }
}
