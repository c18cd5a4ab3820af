package hast.shell.gogo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import hast.api.HastException;
import hast.shell.ctl.Help;
import hast.shell.ctl.ResourceReport;
import hast.shell.ctl.TestNode;

import org.junit.jupiter.api.Test;

/**
 * The Gogo door: results returned for Gogo to print (a report object for list and status, text
 * for the rest), failures thrown with hastctl's message and status.
 */
class HastctlCommandsTest {
    private final TestNode node = new TestNode();
    private final HastctlCommands commands = new HastctlCommands(node, node);

    @Test
    void daemonCommandsUseTheBoundNodeAndReturnWhatTheClientPrints() throws HastException {
        commands.bindNode(node);
        Object status = commands.status("idle");
        assertTrue(status instanceof ResourceReport, "status returns the report, not text: " + status);
        assertEquals("Name\tStatus\t Role\t\tComponents\nidle\t-        init           /var/lib/hast/idle.img\tnone",
                status.toString());
        assertEquals("idle", ((ResourceReport) status).resource("idle").name());
        assertEquals(null, commands.role("primary", "idle"), "role has nothing to show");
        assertEquals(null, commands.reload());
        assertEquals(List.of("role idle primary", "reload"), node.calls);
    }

    @Test
    void withoutTheDaemonTheyFailSayingSo() {
        commands.bindNode(node);
        commands.unbindNode(node);
        HastException e = assertThrows(HastException.class, () -> commands.list());
        assertEquals(69, e.status());
        assertEquals("hastd is not running here; this subcommand needs the daemon.", e.getMessage());
    }

    @Test
    void theConfigurationDefaultsToTheDaemonsFile() throws HastException {
        commands.bindNode(node);
        commands.create("-e", "1M", "idle");
        commands.create("-c", "/other.conf", "idle");
        assertEquals(List.of("create /etc/hast.conf idle 1048576 0 0", "create /other.conf idle 0 0 0"), node.calls);
    }

    @Test
    void failuresThrowWithTheMessageAndStatus() {
        HastException e = assertThrows(HastException.class, () -> commands.dump("idle", "ghost"));
        assertEquals(65, e.status());
        assertEquals("Unknown resource ghost.", e.getMessage());
        HastException usage = assertThrows(HastException.class, () -> commands.role("master", "all"));
        assertEquals(64, usage.status());
        assertTrue(usage.getMessage().startsWith("hastctl: Invalid role 'master'"), usage.getMessage());
    }

    @Test
    void helpIsTheClientsText() throws HastException {
        assertTrue(commands.help().toString().startsWith("usage: hastctl create"));
        assertTrue(commands.help("dump").toString().startsWith("usage: hastctl dump"));
        assertTrue(commands.status("-h").toString().startsWith("usage: hastctl status"));
        assertEquals(Help.ROLE.strip(), commands.role("-h").toString().strip(),
                "the Gogo command's description (help hastctl:role) is hastctl role -h");
    }
}
