package hast.engine.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import hast.api.HastException;
import hast.engine.config.NodeIdentity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hastctl check}: the file read as each node would read it, with no disk opened. */
class ConfigCheckTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("hast.conf"), text);
    }

    @Test
    void aFileIsCheckedForThisNodeAndEveryPeerItsResourcesNameWithoutItsDisks() throws Exception {
        Path conf = write("""
                resource r0 {
                  on alpha { local /nonexistent/a0; remote 127.0.0.2 }
                  on beta { local /nonexistent/b0; remote 127.0.0.1 }
                }
                resource r1 {
                  on alpha { local /nonexistent/a1; remote 127.0.0.2 }
                  on beta { local /nonexistent/b1; remote 127.0.0.1 }
                }
                """.replace("; ", "\n    "));
        assertEquals(List.of(conf + ": valid for this node (alpha): resources r0, r1", conf + ": valid for beta: resources r0, r1"),
                new LocalAdmin(NodeIdentity.named("alpha")).check(conf, List.of()));
        assertEquals(List.of(conf + ": valid for beta: resources r0, r1"),
                new LocalAdmin(NodeIdentity.named("alpha")).check(conf, List.of("beta")));
    }

    @Test
    void eachNodesProblemIsReportedWithFileLineAndTheNode() throws Exception {
        Path conf = write("""
                resource r0 {
                  on alpha {
                    local /nonexistent/a0
                    remote 127.0.0.2
                  }
                  on beta {
                    local /nonexistent/b0
                  }
                }
                """);
        HastException e = assertThrows(HastException.class, () -> new LocalAdmin(NodeIdentity.named("alpha")).check(conf, List.of()));
        assertEquals(78, e.status());
        assertEquals(conf + ":1: Remote address not configured for resource r0. (for beta)", e.getMessage());

        HastException both = assertThrows(HastException.class,
                () -> new LocalAdmin(NodeIdentity.named("alpha")).check(conf, List.of("gamma", "beta")));
        assertEquals(List.of(conf + ":1: No resource r0 configuration for this node (acceptable node names: gamma). (for gamma)",
                conf + ":1: Remote address not configured for resource r0. (for beta)"), both.getMessage().lines().toList());
    }

    @Test
    void aUserThatDoesNotExistHereIsAProblemOfThisNodeOnly() throws Exception {
        Path conf = write("user no-such-account-here\nresource r0 {\n on alpha {\n  local /x\n  remote none\n }\n}\n");
        HastException e = assertThrows(HastException.class, () -> new LocalAdmin(NodeIdentity.named("alpha")).check(conf, List.of()));
        assertEquals(78, e.status());
        assertEquals(conf + ": Unable to drop privileges: user no-such-account-here does not exist. (for this node (alpha))",
                e.getMessage());
    }

    @Test
    void aMissingFileIsStatus72() {
        HastException e = assertThrows(HastException.class,
                () -> new LocalAdmin(NodeIdentity.named("alpha")).check(dir.resolve("none.conf"), List.of()));
        assertEquals(72, e.status());
        assertEquals(dir.resolve("none.conf") + ": no such file", e.getMessage());
    }
}
