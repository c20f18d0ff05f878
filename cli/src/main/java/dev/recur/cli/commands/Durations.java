package dev.recur.cli.commands;

import dev.recur.train.TimeBudgets;
import java.time.Duration;
import picocli.CommandLine;

/** Parses {@code 90s}, {@code 20m}, {@code 1h}, {@code 1h30m} into a Duration ({@link TimeBudgets}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return TimeBudgets.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
