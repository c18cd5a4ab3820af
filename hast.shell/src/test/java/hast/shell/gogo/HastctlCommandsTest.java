package hast.shell.gogo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

import hast.api.HastException;
import hast.shell.ctl.TestNode;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;

/** The Gogo door: output on the session's console, failures thrown with hastctl's message and status. */
class HastctlCommandsTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final CommandSession session = session(new PrintStream(console, true, StandardCharsets.UTF_8));
    private final TestNode node = new TestNode();
    private final HastctlCommands commands = new HastctlCommands(node, node);

    /** A session that only has a console, which is all the commands use. */
    private static CommandSession session(PrintStream console) {
        return (CommandSession) Proxy.newProxyInstance(CommandSession.class.getClassLoader(),
                new Class<?>[] {CommandSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConsole")) {
                        return console;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void daemonCommandsUseTheBoundNodeAndPrintOnTheConsole() throws HastException {
        commands.bindNode(node);
        commands.status(session, "idle");
        assertEquals("Name\tStatus\t Role\t\tComponents\nidle\t-        init           /var/lib/hast/idle.img\tnone\n", console());
        console.reset();
        commands.role(session, "-d", "primary", "idle");
        assertEquals("[idle] Role changed from init to primary.\n", console(), "debug output reaches the console too");
        commands.reload(session);
        assertEquals(List.of("role idle primary", "reload"), node.calls);
    }

    @Test
    void withoutTheDaemonTheyFailSayingSo() {
        commands.bindNode(node);
        commands.unbindNode(node);
        HastException e = assertThrows(HastException.class, () -> commands.list(session));
        assertEquals(69, e.status());
        assertEquals("hastd is not running here; this subcommand needs the daemon.", e.getMessage());
    }

    @Test
    void theConfigurationDefaultsToTheDaemonsFile() throws HastException {
        commands.bindNode(node);
        commands.create(session, "-e", "1M", "idle");
        commands.create(session, "-c", "/other.conf", "idle");
        assertEquals(List.of("create /etc/hast.conf idle 1048576 0 0", "create /other.conf idle 0 0 0"), node.calls);
    }

    @Test
    void failuresThrowWithTheMessageAndStatusAfterPrintingWhatSucceeded() {
        HastException e = assertThrows(HastException.class, () -> commands.dump(session, "idle", "ghost"));
        assertEquals(65, e.status());
        assertEquals("Unknown resource ghost.", e.getMessage());
        assertTrue(console().startsWith("resource: idle\n"), console());
        HastException usage = assertThrows(HastException.class, () -> commands.role(session, "master", "all"));
        assertEquals(64, usage.status());
        assertTrue(usage.getMessage().startsWith("hastctl: Invalid role 'master'"), usage.getMessage());
    }

    @Test
    void helpPrintsOnTheConsole() throws HastException {
        commands.help(session);
        assertTrue(console().startsWith("usage: hastctl create"), console());
        console.reset();
        commands.help(session, "dump");
        assertTrue(console().startsWith("usage: hastctl dump"), console());
        console.reset();
        commands.status(session, "-h");
        assertTrue(console().startsWith("usage: hastctl status"), console());
    }
}
