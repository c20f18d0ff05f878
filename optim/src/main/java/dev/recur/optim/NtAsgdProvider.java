package dev.recur.optim;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Options;
import java.util.List;
import java.util.Map;

/** Provider {@code nt-asgd}. */
public final class NtAsgdProvider implements OptimizerProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("nonmono", "5", "averaging starts at the first validation worse than the best of all "
                    + "validations but the last N (N >= 1)"),
            new OptionSpec("weight-decay", "0", "L2 weight decay λ (>= 0)"));

    @Override
    public double defaultLearningRate() {
        return 1.0;
    }

    @Override
    public String name() {
        return "nt-asgd";
    }

    @Override
    public String description() {
        return "SGD that switches to averaging the iterates when validation stalls (NT-ASGD; validates and saves "
                + "the average)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Optimizer create(Map<String, String> options) {
        Options o = Options.parse("optimizer", this, options);
        return new NtAsgd(o.integer("nonmono", 1, 1_000_000), o.number("weight-decay", 0, true, 1e6));
    }
}
