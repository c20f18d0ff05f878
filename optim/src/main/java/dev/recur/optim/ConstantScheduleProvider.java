package dev.recur.optim;

import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.ScheduleProvider;
import java.util.List;
import java.util.Map;

/** Provider {@code constant}: the base rate throughout. */
public final class ConstantScheduleProvider implements ScheduleProvider {

    @Override
    public String name() {
        return "constant";
    }

    @Override
    public String description() {
        return "keep the learning rate fixed";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public LearningRateSchedule create(double baseRate, Map<String, String> options) {
        Options.parse("schedule", this, options);
        return LearningRateSchedule.constant(baseRate);
    }
}
