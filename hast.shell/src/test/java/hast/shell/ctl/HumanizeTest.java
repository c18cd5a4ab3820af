package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** humanize_number(3) as hastctl calls it: 5-byte buffer, autoscale, one decimal, no space. */
class HumanizeTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0", "1, 1", "999, 999",
        // Four digits do not fit: 1000 bytes are already shown in K.
        "1000, 1.0K", "1023, 1.0K", "1024, 1.0K", "1536, 1.5K", "4096, 4.0K",
        // One decimal up to 9.9; a remainder of 973/1024 or more rounds to a whole 10.
        "9165, 9.0K", "10188, 9.9K", "10189, 10K", "65536, 64K", "69632, 68K", "131072, 128K",
        // 999 plus half a unit would print as 1000: one scale more.
        "1023487, 999K", "1023488, 1.0M",
        "1048576, 1.0M", "2097152, 2.0M", "10485760, 10M", "67104256, 64M",
        "1073741824, 1.0G", "1099511558144, 1.0T", "9223372036854775807, 8.0E"})
    void formatsAsFreeBsd(long value, String text) {
        assertEquals(text, Humanize.bytes(value));
    }

    @Test
    void refusesNegativeSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Humanize.bytes(-1));
        assertEquals("size: -1 (expected: 0 or more)", e.getMessage());
    }
}
