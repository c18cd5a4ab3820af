package hast.shell.ctl;

/**
 * Sizes as FreeBSD's hastctl prints them: humanize_number(3) into a 5-byte buffer with
 * HN_AUTOSCALE, HN_DECIMAL and HN_NOSPACE, so at most four characters: {@code 0}, {@code 999},
 * {@code 4.0K}, {@code 64K}, {@code 2.0M}.
 */
final class Humanize {
    private static final String[] PREFIXES = {"", "K", "M", "G", "T", "P", "E"};
    private static final long DIVISOR = 1024;
    /** Three digits fit beside the prefix. */
    private static final long LIMIT = 1000;
    /** ceil(0.95 * 1024): a remainder this large would round a 9 up to 10, which has no room for a decimal. */
    private static final long DECIMAL_CUT = 973;

    private Humanize() {
    }

    static String bytes(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("size: " + value + " (expected: 0 or more)");
        }
        long quotient = value;
        long remainder = 0;
        int scale = 0;
        // 999 with half a unit left over would round to 1000, one character too many: scale once more.
        while ((quotient >= LIMIT || (quotient == LIMIT - 1 && remainder >= DIVISOR / 2))
                && scale < PREFIXES.length - 1) {
            remainder = quotient % DIVISOR;
            quotient /= DIVISOR;
            scale++;
        }
        if (scale > 0 && (quotient < 9 || (quotient == 9 && remainder < DECIMAL_CUT))) {
            long tenths = (remainder * 10 + DIVISOR / 2) / DIVISOR;
            return (quotient + tenths / 10) + "." + (tenths % 10) + PREFIXES[scale];
        }
        return (quotient + (remainder + DIVISOR / 2) / DIVISOR) + PREFIXES[scale];
    }
}
