package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import hast.shell.ctl.HastctlTest.Run;

import org.junit.jupiter.api.Test;

/** hastctl pause and resume, and how status and list show a paused synchronisation. */
class SyncControlTest {
    private final TestNode node = new TestNode();
    private final Hastctl daemon = new Hastctl(() -> Optional.of(node), node, node, Path.of("/etc/hast.conf"));
    private final Hastctl noDaemon = new Hastctl(Optional::empty, node, node, Path.of("/etc/hast.conf"));

    @Test
    void pauseShowsInStatusAndListUntilResume() {
        assertEquals(new Run(0, "[shared] Synchronization paused.\n", ""), HastctlTest.run(daemon, "pause", "shared"));
        Run status = HastctlTest.run(daemon, "status", "shared");
        assertEquals("Name\tStatus\t Role\t\tComponents\n"
                + "shared\tdegraded primary        /dev/sdb\ttcp://10.0.0.2:8457\tsync paused at 25%\n", status.out());
        Run list = HastctlTest.run(daemon, "list", "shared");
        assertTrue(list.out().contains("\n  synchronization: paused, 25% done, 1.0MB/s, 0:00:06 left\n"
                + "  syncrate: limit 50MB/s (50M)\n"), list.out());
        assertTrue(HastctlTest.run(daemon, "status", "--json", "shared").out()
                .contains("\"syncrate\":{\"mode\":\"50M\",\"limit\":52428800,\"paused\":true}"));

        Run again = HastctlTest.run(daemon, "pause", "shared");
        assertEquals(69, again.status());
        assertEquals("[shared] No synchronization is running.\n", again.err());

        assertEquals(new Run(0, "[shared] Synchronization resumed.\n", ""), HastctlTest.run(daemon, "resume", "all"));
        assertEquals(List.of("pause shared", "resume shared"), node.calls);
    }

    @Test
    void allMeansThePrimariesItAppliesTo() {
        assertEquals(new Run(0, "", ""), HastctlTest.run(daemon, "resume", "all"), "nothing paused: nothing to do");
        assertEquals(new Run(0, "[shared] Synchronization paused.\n", ""), HastctlTest.run(daemon, "pause", "all"));
        assertEquals(List.of("pause shared"), node.calls, "the secondary and the idle resource are left alone");
    }

    @Test
    void misuseIsRefused() {
        Run secondary = HastctlTest.run(daemon, "pause", "backup");
        assertEquals(69, secondary.status());
        assertEquals(1, HastctlTest.run(daemon, "resume", "ghost").status());
        Run usage = HastctlTest.run(daemon, "pause");
        assertEquals(64, usage.status());
        assertTrue(usage.err().startsWith("hastctl: pause needs 'all' or resource names"), usage.err());
        assertEquals(69, HastctlTest.run(noDaemon, "pause", "shared").status(), "hastd is needed");
        assertEquals(Help.PAUSE, HastctlTest.run(daemon, "pause", "-h").out());
    }
}
