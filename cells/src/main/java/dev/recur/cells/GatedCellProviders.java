package dev.recur.cells;

import dev.recur.spi.Cell;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import java.util.List;

/** Providers {@code lstm} and {@code gru}. */
public final class GatedCellProviders {

    private GatedCellProviders() {
    }

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("init-scale", "1.0", "weights start in ±s/√H (>= 0)"));

    /** {@code lstm}. */
    public static final class Lstm implements CellProvider {
        public String name() {
            return "lstm";
        }

        public String description() {
            return "LSTM with forget gate; state [h | c]";
        }

        public List<OptionSpec> options() {
            return OPTIONS;
        }

        public Cell create(CellSpec spec) {
            Options o = Options.parse("cell", this, spec.options());
            return new LstmCell(spec.inputSize(), spec.hiddenSize(), o.number("init-scale", 0, true, 1e6), spec.seed(),
                    spec.kernels());
        }
    }

    /** {@code gru}. */
    public static final class Gru implements CellProvider {
        public String name() {
            return "gru";
        }

        public String description() {
            return "GRU (PyTorch's formulation)";
        }

        public List<OptionSpec> options() {
            return OPTIONS;
        }

        public Cell create(CellSpec spec) {
            Options o = Options.parse("cell", this, spec.options());
            return new GruCell(spec.inputSize(), spec.hiddenSize(), o.number("init-scale", 0, true, 1e6), spec.seed(),
                    spec.kernels());
        }
    }
}
