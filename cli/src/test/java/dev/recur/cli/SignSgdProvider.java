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
        return List.of(new OptionSpec("lr", "0.001", "step size"));
    }

    @Override
    public Optimizer create(Map<String, String> options) {
        double lr0 = Options.parse("optimizer", this, options).number("lr", 0, false, 10);
        return new Optimizer() {
            double lr = lr0;
            long steps;

            public void step(List<Parameter> ps) {
                steps++;
                for (Parameter p : ps) {
                    for (int i = 0; i < p.size(); i++) {
                        p.value()[i] -= (float) (lr * Math.signum(p.grad()[i]));
                    }
                }
            }

            public double learningRate() {
                return lr;
            }

            public void setLearningRate(double v) {
                lr = v;
            }

            public OptimizerState state() {
                return new OptimizerState(Map.of(), Map.of("step", (double) steps, "lr", lr));
            }

            public void restore(OptimizerState s) {
                steps = s.scalars().get("step").longValue();
                lr = s.scalars().get("lr");
            }
        };
    }
}
