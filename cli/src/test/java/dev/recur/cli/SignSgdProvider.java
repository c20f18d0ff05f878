package dev.recur.cli;

import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OptimizerState;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;

/** A provider that exists only on the test classpath: sign-SGD, w −= lr·sign(g). */
public final class SignSgdProvider implements OptimizerProvider {

    @Override
    public String name() {
        return "test-sign-sgd";
    }

    @Override
    public String description() {
        return "test only: w -= lr * sign(g)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public double defaultLearningRate() {
        return 0.001;
    }

    @Override
    public Optimizer create(Map<String, String> options) {
        Options.parse("optimizer", this, options);
        return new Optimizer() {
            long steps;

            public void step(List<Parameter> ps, double lr) {
                Optimizer.checkLearningRate(lr);
                steps++;
                for (Parameter p : ps) {
                    for (int i = 0; i < p.size(); i++) {
                        p.value()[i] -= (float) (lr * Math.signum(p.grad()[i]));
                    }
                }
            }

            public OptimizerState state() {
                return new OptimizerState(Map.of(), Map.of("step", (double) steps));
            }

            public void restore(OptimizerState s) {
                steps = s.scalars().get("step").longValue();
            }
        };
    }
}
