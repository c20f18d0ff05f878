package dev.recur.train;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Time budgets as front ends take them: {@code 90s}, {@code 20m}, {@code 1h}, {@code 1h30m}. */
public final class TimeBudgets {

    private static final Pattern PART = Pattern.compile("(\\d+)([hms])");

    private TimeBudgets() {
    }

    /**
     * Parses a budget: whole hours, minutes and seconds in that order, each at most once.
     *
     * @param value the text, like {@code 90s} or {@code 1h30m}
     * @return the duration (> 0)
     * @throws IllegalArgumentException with the expected form when {@code value} is not one
     */
    public static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(v);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end != v.length() || end == 0 || d.isZero()) {
            throw new IllegalArgumentException("expected a duration like 90s, 20m, 1h or 1h30m, got '" + value + "'");
        }
        return d;
    }
}
