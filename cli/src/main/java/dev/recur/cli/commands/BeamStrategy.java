package dev.recur.cli.commands;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Provider;
import java.util.List;

/**
 * {@code beam}: the built-in sequence-level strategy of {@code recur sample} (beside the per-step samplers),
 * described like a provider so that its options are listed and validated the same way.
 */
final class BeamStrategy implements Provider {

    static final BeamStrategy INSTANCE = new BeamStrategy();

    @Override
    public String name() {
        return "beam";
    }

    @Override
    public String description() {
        return "beam search for the most likely continuation (built-in strategy, deterministic)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("width", "5", "beams kept at every step (1 = greedy)"),
                new OptionSpec("length-penalty", "0.6", "alpha of the GNMT length normalisation ((5+len)/6)^alpha (0 = none)"));
    }
}
