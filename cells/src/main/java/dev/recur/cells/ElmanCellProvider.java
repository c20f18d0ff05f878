package dev.recur.cells;

import dev.recur.math.Activation;
import dev.recur.spi.Cell;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import java.util.Arrays;
import java.util.List;

/** Provider {@code elman}: {@link ElmanCell} with a chosen activation and initialisation. */
public final class ElmanCellProvider implements CellProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("activation", "tanh", "σ: " + Activation.names()),
            new OptionSpec("init", "uniform", "initialisation: uniform (±s/√H), xavier, irnn (W_h = s·I)"),
            new OptionSpec("init-scale", "1.0", "s, the scale of the initialisation (>= 0)"));

    @Override
    public String name() {
        return "elman";
    }

    @Override
    public String description() {
        return "Elman RNN cell h(t) = σ(W_h h(t-1) + W_e x(t) + b1)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Cell create(CellSpec spec) {
        Options o = Options.parse("cell", this, spec.options());
        Activation act = Activation.valueOf(o.choice("activation",
                Arrays.stream(Activation.values()).map(Activation::id).toList()).toUpperCase(java.util.Locale.ROOT));
        Initialization init = Initialization.parse(o.choice("init", Initialization.names()));
        double scale = o.number("init-scale", 0, true, 1e6);
        return new ElmanCell(spec.inputSize(), spec.hiddenSize(), act, init, scale, spec.seed(), spec.kernels());
    }
}
