package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import hast.api.guard.AddressRange;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The export-allow ranges the exporter checks peers against: which addresses each holds, and what is refused. */
class AddressRangeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1        | 127.0.0.1     | true
            127.0.0.1        | 127.0.0.3     | false
            127.0.0.0/8      | 127.255.0.9   | true
            127.0.0.0/8      | 128.0.0.1     | false
            127.0.0.4/30     | 127.0.0.7     | true
            127.0.0.4/30     | 127.0.0.8     | false
            0.0.0.0/0        | 192.0.2.1     | true
            0.0.0.0/0        | ::1           | false
            ::1              | ::1           | true
            ::1              | 127.0.0.1     | false
            [fd00::]/8       | fd12::5       | true
            fd00::/8         | fe80::1       | false
            """)
    void holds(String range, String address, boolean held) throws Exception {
        assertEquals(held, AddressRange.parse(range).contains(InetAddress.getByName(address)), range + " " + address);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            localhost        | is not a numeric IPv4 or IPv6 address
            256.0.0.1        | is not a numeric IPv4 or IPv6 address
            127.1            | is not a numeric IPv4 or IPv6 address
            10.0.0.0/33      | has an invalid prefix length '33' (expected 0 to 32)
            10.0.0.0/-1      | has an invalid prefix length '-1' (expected 0 to 32)
            ::/129           | has an invalid prefix length '129' (expected 0 to 128)
            10.0.0.1/8       | has bits set past its /8 prefix
            fe80:::1         | is not a valid IPv4 or IPv6 address
            """)
    void refuses(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
        assertTrue(e.getMessage().startsWith("'" + text + "' " + why), e.getMessage());
    }

    @Test
    void aPeerWithoutAnAddressIsInNoRange() {
        assertFalse(AddressRange.parse("0.0.0.0/0").contains(null));
    }
}
