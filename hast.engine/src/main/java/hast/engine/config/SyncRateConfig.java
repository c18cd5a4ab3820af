package hast.engine.config;

import java.time.Duration;
import java.util.Locale;

/**
 * How fast a primary's synchronisation may copy: the {@code syncrate}, {@code sync-latency-target},
 * {@code sync-min-rate} and {@code sync-max-rate} settings of a resource.
 *
 * @param fixed         bytes per second in fixed mode; 0 when not fixed (unlimited or dynamic)
 * @param dynamic       whether the rate follows the applications' write latency
 * @param latencyTarget the mean write latency the dynamic mode keeps applications under
 * @param minRate       the dynamic mode's floor in bytes per second, so that a synchronisation
 *                      always progresses
 * @param maxRate       the dynamic mode's ceiling in bytes per second; 0 for none
 * @param label         the {@code syncrate} as written, for status
 */
public record SyncRateConfig(long fixed, boolean dynamic, Duration latencyTarget, long minRate, long maxRate,
        String label) {
    public static final String UNLIMITED = "unlimited";
    public static final String DYNAMIC = "dynamic";
    /**
     * Dynamic by default: the copy runs at full speed while applications are idle and yields
     * when their writes slow down, as DRBD's resync controller does out of the box.
     */
    public static final String DEFAULT_MODE = DYNAMIC;
    /** Writes slower than this on average make the dynamic mode slow the copy down. */
    public static final Duration DEFAULT_LATENCY_TARGET = Duration.ofMillis(5);
    /** What a synchronisation keeps even under a write load: 10 MiB/s copies 1 TiB in about 29 hours. */
    public static final long DEFAULT_MIN_RATE = 10L << 20;
    public static final long DEFAULT_MAX_RATE = 0;

    /** The defaults: dynamic, within 5 ms, at least 10 MiB/s, no ceiling. */
    public static final SyncRateConfig DEFAULT = of(DEFAULT_MODE, DEFAULT_LATENCY_TARGET, DEFAULT_MIN_RATE,
            DEFAULT_MAX_RATE);

    /**
     * The settings as {@code mode} says ({@code unlimited}, {@code 0}, {@code dynamic} or a rate).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static SyncRateConfig of(String mode, Duration latencyTarget, long minRate, long maxRate) {
        if (maxRate != 0 && maxRate < minRate) {
            throw new IllegalArgumentException("sync-max-rate " + maxRate + " is below sync-min-rate " + minRate);
        }
        if (mode.equals(DYNAMIC)) {
            return new SyncRateConfig(0, true, latencyTarget, minRate, maxRate, DYNAMIC);
        }
        long fixed = mode.equals(UNLIMITED) ? 0 : rate(mode, "syncrate");
        return new SyncRateConfig(fixed, false, latencyTarget, minRate, maxRate, fixed == 0 ? UNLIMITED : mode);
    }

    /**
     * Bytes per second from a number with an optional binary unit: {@code 512K}, {@code 50M},
     * {@code 1G} (also {@code KiB}/{@code MB}, case ignored, with or without {@code /s});
     * {@code unlimited} and {@code 0} are 0.
     *
     * @throws IllegalArgumentException naming {@code keyword} and the problem
     */
    public static long rate(String text, String keyword) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals(UNLIMITED)) {
            return 0;
        }
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        t = t.replaceFirst("i?b$", "");
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> shift = -1;
            }
        }
        String digits = shift > 0 ? t.substring(0, t.length() - 1) : t;
        if (shift < 0) {
            shift = 0;
        }
        if (!digits.matches("[0-9]{1,12}")) {
            throw new IllegalArgumentException("invalid " + keyword + " '" + text
                    + "' (expected bytes per second such as 512K, 50M or 1G, or unlimited)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), 1L << shift);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(keyword + " '" + text + "' is too large", e);
        }
    }

    /**
     * A latency from {@code 500us}, {@code 5ms} or {@code 1s} (a bare number is milliseconds).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static Duration latency(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(us|ms|s)?").matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("invalid sync-latency-target '" + text
                    + "' (expected a positive time such as 500us, 5ms or 1s)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMillis(n);
        };
    }

    /** How status shows the mode: the rate as written, unlimited, or dynamic with its bounds. */
    public String describe() {
        if (!dynamic) {
            return label;
        }
        long us = latencyTarget.toNanos() / 1000;
        String target = us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
        return DYNAMIC + " (latency target " + target + ", " + size(minRate) + ".."
                + (maxRate == 0 ? UNLIMITED : size(maxRate)) + ")";
    }

    /** Bytes per second in the largest binary unit that divides them. */
    static String size(long rate) {
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        while (u < units.length - 1 && rate != 0 && rate % 1024 == 0) {
            rate /= 1024;
            u++;
        }
        return rate + units[u];
    }
}
