package hast.engine.config;

import java.nio.charset.StandardCharsets;

import hast.testkit.fuzz.AllocationBudget;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Timeout;

/**
 * hast.conf as an administrator (or a slip of the keyboard) may write it: lexer, grammar and the
 * resolution for this node. A file is either a configuration or a {@link ConfigException} naming
 * the line and the problem.
 */
@Timeout(10)
class ConfigFuzzTest {
    /**
     * Heap per byte of text: a text parser has no announced sizes, only tokens, and while fuzzing
     * Jazzer's hooks on string comparisons allocate on every call (an input of 1909 bytes of
     * {@code listen} lines took 1.5 MB so, and 72 KB without them).
     */
    private static final long PER_BYTE = 2048;
    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        AllocationBudget.check("hast.conf", input, 1 << 20, PER_BYTE, ConfigException.class, () -> {
            alpha.parse(text, "hast.conf");
        });
    }
}
