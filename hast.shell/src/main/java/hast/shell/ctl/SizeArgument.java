package hast.shell.ctl;

import hast.api.HastException;
import hast.api.Sysexits;

/**
 * The size options of {@code create}, read as expand_number(3) reads them: decimal digits with an
 * optional suffix k, M, G, T, P or E (powers of 1024, any case).
 */
final class SizeArgument {
    private static final String SUFFIXES = "kmgtpe";

    private SizeArgument() {
    }

    /**
     * @param what the option's name, for the message ({@code extentsize}, ...)
     * @throws HastException with {@link Sysexits#EX_USAGE} when {@code text} is no such number or
     *                       does not fit in 63 bits
     */
    static long parse(String what, String text) throws HastException {
        int suffix = text.isEmpty() ? -1 : SUFFIXES.indexOf(Character.toLowerCase(text.charAt(text.length() - 1)));
        String digits = suffix < 0 ? text : text.substring(0, text.length() - 1);
        int shift = 10 * (suffix + 1);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(what, text);
        }
        try {
            long value = Long.parseLong(digits);
            if (value > Long.MAX_VALUE >> shift) {
                throw invalid(what, text);
            }
            return value << shift;
        } catch (NumberFormatException tooLong) {
            throw invalid(what, text);
        }
    }

    private static HastException invalid(String what, String text) {
        return new HastException(Sysexits.EX_USAGE, "Invalid " + what + " '" + text
                + "' (expected a number with an optional suffix k, M, G, T, P or E).");
    }
}
