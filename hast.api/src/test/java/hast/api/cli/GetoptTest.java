package hast.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class GetoptTest {
    private static List<Getopt.Token> read(String... args) throws Getopt.MissingValue {
        List<Getopt.Token> tokens = new ArrayList<>();
        Getopt.read(List.of(args), flag -> flag == 'c' || flag == 'u', tokens::add);
        return tokens;
    }

    @Test
    void flagsGroupAndValuesAttachOrFollow() throws Exception {
        assertEquals(List.of(new Getopt.Flag('d', null), new Getopt.Flag('F', null), new Getopt.Flag('c', "/etc/x.conf"),
                new Getopt.Flag('u', "hast"), new Getopt.Operand("r0")), read("-dFc/etc/x.conf", "-u", "hast", "r0"));
        assertEquals(List.of(new Getopt.Flag('c', "-d")), read("-c", "-d"), "the next word is the value, dash or not");
    }

    @Test
    void doubleDashEndsOptionsALoneDashIsAnOperandAndLongOptionsAreNamed() throws Exception {
        assertEquals(List.of(new Getopt.LongOption("json"), new Getopt.Operand("-"), new Getopt.Operand("-d")),
                read("--json", "-", "--", "-d"));
    }

    @Test
    void aValuedFlagWithoutItsValueIsNamed() {
        assertEquals('u', assertThrows(Getopt.MissingValue.class, () -> read("-du")).flag());
    }
}
