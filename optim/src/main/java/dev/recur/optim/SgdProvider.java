package dev.recur.optim;

import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Optimizer;
import java.util.List;
import java.util.Map;

/** Provider {@code sgd}. */
public final class SgdProvider implements OptimizerProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("momentum", "0", "momentum μ in [0, 1)"),
            new OptionSpec("nesterov", "false", "Nesterov momentum (needs momentum > 0)"),
            new OptionSpec("weight-decay", "0", "L2 weight decay λ (>= 0)"));

    @Override
    public double defaultLearningRate() {
        return 1.0;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String description() {
        return "stochastic gradient descent with momentum, Nesterov and weight decay";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optimizer create(Map<String, String> options) {
        Options o = Options.parse("optimizer", this, options);
        double momentum = o.number("momentum", 0, true, 0.999999);
        boolean nesterov = o.bool("nesterov");
        if (nesterov && momentum == 0) {
            throw o.invalid("nesterov", "false when momentum is 0", "true");
        }
        return new Sgd(momentum, nesterov, o.number("weight-decay", 0, true, 1e6));
    }
}
