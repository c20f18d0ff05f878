package dev.recur.optim;

import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.ScheduleProvider;
import java.util.List;
import java.util.Map;

/**
 * Schedules that are functions of the optimizer step alone — {@code step}, {@code exponential},
 * {@code cosine} (with linear warm-up). They keep no state beyond the base rate, so a resumed run continues
 * exactly from the step counter; validation does not change them.
 */
public final class StepSchedules {

    private StepSchedules() {
    }

    private record Fn(String name, double base, java.util.function.LongToDoubleFunction rate)
            implements LearningRateSchedule {
        @Override
        public double learningRate(long step) {
            return rate.applyAsDouble(step);
        }

        @Override
        public Decision afterValidation(double validationLoss) {
            return Decision.CONTINUE;
        }
    }

    private static void checkBase(double base) {
        if (!(base > 0) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + base);
        }
    }

    /** {@code step}: lr·γ^⌊step / every⌋. */
    public static LearningRateSchedule step(double base, long every, double gamma) {
        checkBase(base);
        return new Fn("step", base, s -> base * Math.pow(gamma, (double) (s / every)));
    }

    /** {@code exponential}: lr·γ^step. */
    public static LearningRateSchedule exponential(double base, double gamma) {
        checkBase(base);
        return new Fn("exponential", base, s -> base * Math.pow(gamma, s));
    }

    /** {@code cosine}: linear warm-up over {@code warmup} steps, then cosine decay to {@code min} at {@code total}. */
    public static LearningRateSchedule cosine(double base, long total, long warmup, double min) {
        checkBase(base);
        return new Fn("cosine", base, s -> {
            if (s < warmup) {
                return base * (s + 1) / warmup;
            }
            double progress = Math.min(1.0, (double) (s - warmup) / Math.max(1, total - warmup));
            return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
        });
    }

    /** {@code step}. */
    public static final class StepProvider implements ScheduleProvider {
        public String name() {
            return "step";
        }

        public String description() {
            return "multiply the rate by gamma every N steps";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("every", "1000", "steps between decays (>= 1)"),
                    new OptionSpec("gamma", "0.5", "factor, in (0, 1]"));
        }

        public LearningRateSchedule create(double base, Map<String, String> options) {
            Options o = Options.parse("schedule", this, options);
            return step(base, o.integer("every", 1, Integer.MAX_VALUE), o.number("gamma", 0, false, 1));
        }
    }

    /** {@code exponential}. */
    public static final class ExponentialProvider implements ScheduleProvider {
        public String name() {
            return "exponential";
        }

        public String description() {
            return "multiply the rate by gamma every step";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("gamma", "0.9999", "factor per step, in (0, 1]"));
        }

        public LearningRateSchedule create(double base, Map<String, String> options) {
            Options o = Options.parse("schedule", this, options);
            return exponential(base, o.number("gamma", 0, false, 1));
        }
    }

    /** {@code cosine}. */
    public static final class CosineProvider implements ScheduleProvider {
        public String name() {
            return "cosine";
        }

        public String description() {
            return "linear warm-up, then cosine decay to min-lr at total-steps";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("total-steps", "10000", "step at which the rate reaches min-lr (>= 1)"),
                    new OptionSpec("warmup-steps", "0", "steps of linear warm-up from 0 (>= 0, < total-steps)"),
                    new OptionSpec("min-lr", "0", "final rate (>= 0)"));
        }

        public LearningRateSchedule create(double base, Map<String, String> options) {
            Options o = Options.parse("schedule", this, options);
            int total = o.integer("total-steps", 1, Integer.MAX_VALUE);
            int warmup = o.integer("warmup-steps", 0, Integer.MAX_VALUE);
            if (warmup >= total) {
                throw o.invalid("warmup-steps", "less than total-steps " + total, String.valueOf(warmup));
            }
            return cosine(base, total, warmup, o.number("min-lr", 0, true, base));
        }
    }
}
