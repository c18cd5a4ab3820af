package hast.shell.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hast.api.HastException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** expand_number(3) as hastctl create reads -e, -k and -m. */
class SizeArgumentTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "4096, 4096", "4k, 4096", "4K, 4096", "2M, 2097152", "2m, 2097152", "1g, 1073741824",
        "1T, 1099511627776", "1p, 1125899906842624", "7E, 8070450532247928832", "9223372036854775807, 9223372036854775807"})
    void readsNumbersWithBinarySuffixes(String text, long value) throws HastException {
        assertEquals(value, SizeArgument.parse("extentsize", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "k", "4Q", "4kb", "-1", "+4", " 4", "0x10", "1.5M", "8E", "16E",
        "9223372036854775808", "99999999999999999999k"})
    void refusesAnythingElseAsUsageErrors(String text) {
        HastException e = assertThrows(HastException.class, () -> SizeArgument.parse("keepdirty", text));
        assertEquals(64, e.status());
        assertEquals("Invalid keepdirty '" + text + "' (expected a number with an optional suffix k, M, G, T, P or E).",
                e.getMessage());
    }
}
