package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** What Tab offers after each part of a hastctl line, by the parser's own rules. */
class CompletionTest {
    private static final Supplier<List<String>> NAMES = () -> List.of("disk0", "disk1");

    private static List<String> after(String subcommand, String... words) {
        return Completion.operands(subcommand, List.of(words), NAMES);
    }

    @Test
    void roleTakesARoleThenAllOrNames() {
        assertEquals(List.of("init", "primary", "secondary"), after("role"));
        assertEquals(List.of("init", "primary", "secondary"), after("role", "-d"));
        assertEquals(List.of("all", "disk0", "disk1"), after("role", "primary"));
        assertEquals(List.of("disk1"), after("role", "-c", "/etc/hast.conf", "primary", "disk0"));
    }

    @Test
    void anOptionsValueIsTheUsersToType() {
        assertEquals(List.of(), after("status", "-c"));
        assertEquals(List.of(), after("create", "-dm"));
        assertEquals(List.of("disk0", "disk1"), after("create", "-m", "1G"));
    }

    @Test
    void listingsTakeAllOrNamesAndTheRestWhatTheyAccept() {
        assertEquals(List.of("all", "disk0", "disk1"), after("status"));
        assertEquals(List.of(), after("list", "all"));
        assertEquals(List.of("disk0"), after("events", "--json", "disk1"));
        assertEquals(List.of(), after("reload"));
        assertEquals(List.of("error", "warning", "info", "debug", "trace"), after("loglevel"));
        assertEquals(CommandLine.SUBCOMMANDS, after("help"));
        assertEquals(List.of("-c", "-d", "-h", "--help", "--json"), Completion.options("dump"));
        assertEquals(List.of("-c", "-d", "-h", "--help", "-e", "-k", "-m"), Completion.options("create"));
        assertEquals("role [-d] [-f] [-c config] <init | primary | secondary> all | name ...", Completion.synopsis("role"));
        assertEquals(List.of("-c", "-d", "-h", "--help", "-f"), Completion.options("role"));
        assertEquals("help [subcommand]", Completion.synopsis("help"));
    }

    @Test
    void awaitTakesAConditionThenAllOrNames() {
        assertEquals(List.of("complete", "connected", "init", "primary", "secondary"), after("await"));
        assertEquals(List.of("all", "disk0", "disk1"), after("await", "complete"));
        assertEquals(List.of(), after("await", "-t"));
        assertEquals(List.of("disk1"), after("await", "-t", "5", "primary", "disk0"));
        assertEquals(List.of("-c", "-d", "-h", "--help", "-t"), Completion.options("await"));
    }
}
