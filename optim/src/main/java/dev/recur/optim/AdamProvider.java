package dev.recur.optim;

import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Optimizer;
import java.util.List;
import java.util.Map;

/** Provider {@code adam}. */
public final class AdamProvider implements OptimizerProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("beta1", "0.9", "decay of the first moment, in [0, 1)"),
            new OptionSpec("beta2", "0.999", "decay of the second moment, in [0, 1)"),
            new OptionSpec("eps", "1e-8", "ε added to the denominator (> 0)"));

    @Override
    public double defaultLearningRate() {
        return 0.001;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public String description() {
        return "Adam with bias correction (Kingma & Ba 2015)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optimizer create(Map<String, String> options) {
        Options o = Options.parse("optimizer", this, options);
        return new Adam(o.number("beta1", 0, true, 0.999999),
                o.number("beta2", 0, true, 0.999999999), o.number("eps", 0, false, 1));
    }
}
