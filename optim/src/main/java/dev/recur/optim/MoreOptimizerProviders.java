package dev.recur.optim;

import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Optimizer;
import java.util.List;
import java.util.Map;

/** Providers {@code adagrad}, {@code rmsprop} and {@code adamw}. */
public final class MoreOptimizerProviders {

    private MoreOptimizerProviders() {
    }

    /** {@code adagrad}. */
    public static final class AdagradProvider implements OptimizerProvider {
        @Override
        public double defaultLearningRate() {
            return 0.01;
        }

        public String name() {
            return "adagrad";
        }

        public String description() {
            return "Adagrad: per-weight rates from the sum of squared gradients";
        }

        public List<OptionSpec> options() {
            return List.of(
                    new OptionSpec("eps", "1e-10", "added to the denominator (> 0)"),
                    new OptionSpec("initial-accumulator", "0", "starting value of the sum (>= 0)"));
        }

        public Optimizer create(Map<String, String> options) {
            Options o = Options.parse("optimizer", this, options);
            return new Adagrad(o.number("eps", 0, false, 1),
                    o.number("initial-accumulator", 0, true, 1e6));
        }
    }

    /** {@code rmsprop}. */
    public static final class RmsPropProvider implements OptimizerProvider {
        @Override
        public double defaultLearningRate() {
            return 0.01;
        }

        public String name() {
            return "rmsprop";
        }

        public String description() {
            return "RMSprop: rates from a running mean of squared gradients";
        }

        public List<OptionSpec> options() {
            return List.of(
                    new OptionSpec("alpha", "0.99", "decay of the running mean, in [0, 1)"),
                    new OptionSpec("eps", "1e-8", "added to the denominator (> 0)"));
        }

        public Optimizer create(Map<String, String> options) {
            Options o = Options.parse("optimizer", this, options);
            return new RmsProp(o.number("alpha", 0, true, 0.999999),
                    o.number("eps", 0, false, 1));
        }
    }

    /** {@code adamw}. */
    public static final class AdamWProvider implements OptimizerProvider {
        @Override
        public double defaultLearningRate() {
            return 0.001;
        }

        public String name() {
            return "adamw";
        }

        public String description() {
            return "Adam with decoupled weight decay (Loshchilov & Hutter 2019)";
        }

        public List<OptionSpec> options() {
            return List.of(
                    new OptionSpec("beta1", "0.9", "decay of the first moment, in [0, 1)"),
                    new OptionSpec("beta2", "0.999", "decay of the second moment, in [0, 1)"),
                    new OptionSpec("eps", "1e-8", "added to the denominator (> 0)"),
                    new OptionSpec("weight-decay", "0.01", "decoupled weight decay λ: w -= lr·λ·w each step (>= 0)"));
        }

        public Optimizer create(Map<String, String> options) {
            Options o = Options.parse("optimizer", this, options);
            return new Adam(o.number("beta1", 0, true, 0.999999),
                    o.number("beta2", 0, true, 0.999999999), o.number("eps", 0, false, 1),
                    o.number("weight-decay", 0, true, 1e6));
        }
    }
}
