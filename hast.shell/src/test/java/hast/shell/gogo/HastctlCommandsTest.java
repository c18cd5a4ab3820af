package hast.shell.gogo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;

import hast.api.HastException;
import hast.shell.ctl.Help;
import hast.shell.ctl.ResourceReport;
import hast.shell.ctl.TestNode;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;

/**
 * The Gogo door: results returned for Gogo to print (a report object for list and status, text
 * for the rest), failures thrown with hastctl's message and status.
 */
class HastctlCommandsTest {
    /** A session without a terminal (as in a script): nothing is set in it. */
    static final CommandSession SESSION = (CommandSession) Proxy.newProxyInstance(
            CommandSession.class.getClassLoader(), new Class<?>[] {CommandSession.class}, (proxy, method, args) -> {
                if (method.getName().equals("get")) {
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final TestNode node = new TestNode();
    private final HastctlCommands commands = new HastctlCommands(node, node);

    @Test
    void daemonCommandsUseTheBoundNodeAndReturnWhatTheClientPrints() throws HastException {
        commands.bindNode(node);
        Object status = commands.status(SESSION, "idle");
        assertTrue(status instanceof ResourceReport, "status returns the report, not text: " + status);
        assertEquals("Name\tStatus\t Role\t\tComponents\nidle\t-        init           /var/lib/hast/idle.img\tnone",
                status.toString());
        assertEquals("idle", ((ResourceReport) status).resource("idle").name());
        assertEquals(null, commands.role(SESSION, "primary", "idle"), "role has nothing to show");
        assertEquals(null, commands.reload(SESSION));
        assertEquals(List.of("role idle primary", "reload"), node.calls);
    }

    @Test
    void withoutTheDaemonTheyFailSayingSo() {
        commands.bindNode(node);
        commands.unbindNode(node);
        HastException e = assertThrows(HastException.class, () -> commands.list(SESSION));
        assertEquals(69, e.status());
        assertEquals("hastd is not running here; this subcommand needs the daemon.", e.getMessage());
    }

    @Test
    void theConfigurationDefaultsToTheDaemonsFile() throws HastException {
        commands.bindNode(node);
        commands.create(SESSION, "-e", "1M", "idle");
        commands.create(SESSION, "-c", "/other.conf", "idle");
        assertEquals(List.of("create /etc/hast.conf idle 1048576 0 0", "create /other.conf idle 0 0 0"), node.calls);
    }

    @Test
    void failuresThrowWithTheMessageAndStatus() {
        HastException e = assertThrows(HastException.class, () -> commands.dump(SESSION, "idle", "ghost"));
        assertEquals(65, e.status());
        assertEquals("Unknown resource ghost.", e.getMessage());
        HastException usage = assertThrows(HastException.class, () -> commands.role(SESSION, "master", "all"));
        assertEquals(64, usage.status());
        assertTrue(usage.getMessage().startsWith("hastctl: Invalid role 'master'"), usage.getMessage());
    }

    @Test
    void helpIsTheClientsText() throws HastException {
        assertTrue(commands.help(SESSION).toString().startsWith("usage: hastctl create"));
        assertTrue(commands.help(SESSION, "dump").toString().startsWith("usage: hastctl dump"));
        assertTrue(commands.status(SESSION, "-h").toString().startsWith("usage: hastctl status"));
        assertEquals(Help.ROLE.strip(), commands.role(SESSION, "-h").toString().strip(),
                "the Gogo command's description (help hastctl:role) is hastctl role -h");
    }
}
