package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import hast.shell.ctl.HastctlTest.Run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command-line errors (exit 64 with the usage on standard error) and help (exit 0 on standard output). */
class UsageTest {
    private final TestNode node = new TestNode();
    private final Hastctl hastctl = new Hastctl(() -> Optional.of(node), node, node, Path.of("/etc/hast.conf"));

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                         | no subcommand given
            frobnicate                 | unknown subcommand 'frobnicate'
            -d                         | no subcommand given
            -x status                  | unknown option -x
            status -x                  | unknown option -x for 'status'
            status --verbose           | unknown option --verbose
            status -e 4M               | unknown option -e for 'status'
            -e 4M status               | options -e, -k and -m belong to 'create'
            list -c                    | option -c needs a value
            create -e                  | option -e needs a value
            create                     | create needs at least one resource name
            create -e 1M               | create needs at least one resource name
            role                       | role needs a role (init, primary or secondary) and 'all' or resource names
            role primary               | role needs a role
            role master all            | Invalid role 'master' (expected: init, primary or secondary)
            role Primary all           | Invalid role 'Primary'
            reload extra               | reload takes no operands
            loglevel verbose           | loglevel takes at most one level: error, warning, info, debug, trace
            loglevel debug info        | loglevel takes at most one level
            help frobnicate            | no help on 'frobnicate': unknown subcommand
            verify                     | verify needs at least one resource name
            verify -d                  | verify needs at least one resource name
            discard -y                 | discard needs the names of the resources
            discard -y all             | discard needs the names of the resources
            status -y                  | unknown option -y for 'status'
            -y status                  | option -y belongs to 'discard'
            role --json primary all    | option --json belongs to 'list', 'status', 'dump' and 'events'
            verify --json shared       | option --json belongs to
            create --json shared       | option --json belongs to
            events -e 1M               | unknown option -e for 'events'
            events --follow            | unknown option --follow
            """)
    void usageErrorsExit64WithTheProblemAndTheUsage(String line, String problem) {
        Run r = HastctlTest.run(hastctl, line.isEmpty() ? new String[0] : line.split(" "));
        assertEquals(64, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("hastctl: " + problem), r.err());
        assertTrue(r.err().endsWith(Help.USAGE + "\n"), r.err());
        assertTrue(node.calls.isEmpty(), "nothing runs after a usage error");
    }

    @Test
    void usageIsTheReferencesWithJsonAndOurSubcommandsAdded() {
        assertEquals("""
                usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty]
                \t\t[-m mediasize] name ...
                       hastctl role [-d] [-f] [-c config] <init | primary | secondary> all | name ...
                       hastctl list [-d] [-c config] [--json] [all | name ...]
                       hastctl status [-d] [-c config] [--json] [all | name ...]
                       hastctl dump [-d] [-c config] [--json] [all | name ...]
                       hastctl events [-d] [-c config] [--json] [all | name ...]
                       hastctl await [-d] [-c config] [-t seconds] condition [all | name ...]
                       hastctl verify [-d] [-c config] name ...
                       hastctl discard [-d] [-c config] [-y] name ...
                       hastctl pause [-d] [-c config] all | name ...
                       hastctl resume [-d] [-c config] all | name ...
                       hastctl reload [-d] [-c config]
                       hastctl loglevel [-d] [-c config] [error | warning | info | debug | trace]
                       hastctl check [-d] [-c config] [node ...]
                       hastctl help [subcommand]""", Help.USAGE);
    }

    @Test
    void optionsEndAtDoubleDash() {
        Run r = HastctlTest.run(hastctl, "status", "--", "-odd-name");
        assertEquals(1, r.status());
        assertTrue(r.out().contains("-odd-name\tERR1"), r.out());
    }

    @Test
    void generalHelpExplainsEverySubcommandAndOption() {
        Run help = HastctlTest.run(hastctl, "--help");
        assertEquals(0, help.status());
        assertEquals("", help.err());
        assertTrue(help.out().startsWith(Help.USAGE + "\n\n"), help.out());
        for (String sub : CommandLine.SUBCOMMANDS) {
            assertTrue(help.out().contains("\n  " + sub + " "), sub);
        }
        for (String option : List.of("-c config", "-d ", "-h, --help", "--json")) {
            assertTrue(help.out().contains("\n  " + option), option);
        }
        assertTrue(help.out().contains("Exit status"));
        assertEquals(help, HastctlTest.run(hastctl, "-h"));
        assertEquals(help, HastctlTest.run(hastctl, "help"));
    }

    @ParameterizedTest
    @CsvSource({"create, -e extentsize", "role, secondary", "list, synchronisation", "list, queue depths",
        "list, --json", "status, degraded", "status, --json", "dump, metadata", "dump, --json", "events, split-brain",
        "events, --json", "events, interrupted", "events, 69", "status, 4 split-brain", "list, 5 idle",
        "await, connected", "await, -t seconds", "await, 75", "verify, checksum", "verify, marked dirty", "verify, Exit status",
        "reload, configuration"})
    void eachSubcommandHasItsOwnHelp(String sub, String mentioned) {
        Run dashH = HastctlTest.run(hastctl, sub, "-h");
        assertEquals(0, dashH.status());
        assertTrue(dashH.out().startsWith("usage: hastctl " + sub + " "), dashH.out());
        assertTrue(dashH.out().contains(mentioned), dashH.out());
        assertTrue(dashH.out().contains("\n  -c config"), dashH.out());
        assertEquals(dashH, HastctlTest.run(hastctl, sub, "--help"));
        assertEquals(dashH, HastctlTest.run(hastctl, "help", sub));
        assertTrue(node.calls.isEmpty(), "help runs nothing");
    }
}
