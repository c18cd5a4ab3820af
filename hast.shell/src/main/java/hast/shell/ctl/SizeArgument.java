package hast.shell.ctl;

import java.util.Locale;

/** Numbers with expand_number(3) suffixes: k, M, G, T, P, E (powers of 1024, any case). */
final class SizeArgument {
    private SizeArgument() {
    }

    /** @return the value, or -1 when {@code text} is not a number with an optional suffix */
    static long parse(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        int shift = switch (Character.toLowerCase(text.charAt(text.length() - 1))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            case 'p' -> 50;
            case 'e' -> 60;
            default -> 0;
        };
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 19) {
            return -1;
        }
        try {
            long v = Long.parseLong(digits.toLowerCase(Locale.ROOT));
            return v > (Long.MAX_VALUE >> shift) ? -1 : v << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
