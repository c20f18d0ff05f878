package com.example.leaky;

import dev.recur.math.Activation;
import dev.recur.spi.Cell;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import java.util.List;

/** Provider {@code leaky-elman}, registered in META-INF/services/dev.recur.spi.CellProvider. */
public final class LeakyElmanCellProvider implements CellProvider {

    @Override
    public String name() {
        return "leaky-elman";
    }

    @Override
    public String description() {
        return "leaky Elman cell h = (1-alpha) h(t-1) + alpha sigma(W_h h(t-1) + W_e x + b) (example plugin)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("alpha", "0.5", "leak rate, in (0, 1]"),
                new OptionSpec("activation", "tanh", "sigma: " + Activation.names()));
    }

    @Override
    public Cell create(CellSpec spec) {
        Options o = Options.parse("cell", this, spec.options());
        return new LeakyElmanCell(spec.inputSize(), spec.hiddenSize(), o.number("alpha", 0, false, 1),
                Activation.parse(o.string("activation")), spec.seed(), spec.kernels());
    }
}
