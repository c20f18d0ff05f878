package dev.recur.cli.commands;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses {@code 90s}, {@code 20m}, {@code 1h}, {@code 1h30m} into a Duration. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+)([hms])");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
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
            throw new CommandLine.TypeConversionException("expected a duration like 90s, 20m, 1h or 1h30m, got '" + value + "'");
        }
        return d;
    }
}
