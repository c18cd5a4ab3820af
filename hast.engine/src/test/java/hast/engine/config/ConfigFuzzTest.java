package hast.engine.config;

import java.nio.charset.StandardCharsets;

import hast.engine.fuzz.AllocationBudget;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Timeout;

/**
 * hast.conf as an administrator (or a slip of the keyboard) may write it: lexer, grammar and the
 * resolution for this node. A file is either a configuration or a {@link ConfigException} naming
 * the line and the problem.
 */
@Timeout(10)
class ConfigFuzzTest {
    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        AllocationBudget.check("hast.conf", input, 1 << 20, 256, () -> {
            try {
                alpha.parse(text, "hast.conf");
            } catch (ConfigException expected) {
                // Refused with file, line and problem.
            }
        });
    }
}
