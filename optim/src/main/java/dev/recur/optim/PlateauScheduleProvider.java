package dev.recur.optim;

import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.ScheduleProvider;
import java.util.List;
import java.util.Map;

/** Provider {@code plateau}: {@link PlateauSchedule}. */
public final class PlateauScheduleProvider implements ScheduleProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("min-improvement", "1.003", "required factor previous/current of the validation loss"),
            new OptionSpec("decay", "2", "divide the rate by this once improvement stalls (> 1)"),
            new OptionSpec("mode", "mikolov", "mikolov: decay every validation after the first stall, stop at the "
                    + "second; on-stall: decay at each stall, never stop"));

    @Override
    public String name() {
        return "plateau";
    }

    @Override
    public String description() {
        return "Mikolov's rule: halve the rate when validation stalls, stop at the next stall, roll back when worse";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public LearningRateSchedule create(double baseRate, Map<String, String> options) {
        Options o = Options.parse("schedule", this, options);
        return new PlateauSchedule(baseRate, o.number("min-improvement", 1, true, 100),
                o.number("decay", 1, false, 1e6), o.choice("mode", List.of("mikolov", "on-stall")).equals("mikolov"));
    }
}
