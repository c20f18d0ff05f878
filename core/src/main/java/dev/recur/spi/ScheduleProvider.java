package dev.recur.spi;

import java.util.Map;

/** Builds {@link LearningRateSchedule}s. Register in {@code META-INF/services/dev.recur.spi.ScheduleProvider}. */
public interface ScheduleProvider extends Provider {

    /**
     * A new schedule starting from {@code baseRate}.
     *
     * @param baseRate the run's base learning rate
     * @param options the provider's options as {@code key → value}
     * @return a new schedule
     * @throws IllegalArgumentException on unknown or invalid options
     */
    LearningRateSchedule create(double baseRate, Map<String, String> options);
}
