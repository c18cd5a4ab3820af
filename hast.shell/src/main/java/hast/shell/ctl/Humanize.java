package hast.shell.ctl;

/**
 * Sizes the way FreeBSD's hastctl prints them: humanize_number(3) with a 5-byte buffer,
 * autoscale, powers of 1024, one decimal below 10 and no space ({@code 2.0M}, {@code 64K}, {@code 0}).
 */
final class Humanize {
    private static final String[] PREFIXES = {"", "K", "M", "G", "T", "P", "E"};
    private static final long DIVISOR = 1024;
    /** Remainders from here on round the quotient up (0.95 of the divisor). */
    private static final long DECIMAL_CUT = 973;

    private Humanize() {
    }

    static String bytes(long value) {
        long quotient = value;
        long remainder = 0;
        int scale = 0;
        // Four characters: three digits and a prefix, or "d.dP".
        while ((quotient >= 1000 || (quotient == 999 && remainder >= DECIMAL_CUT)) && scale < PREFIXES.length - 1) {
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
