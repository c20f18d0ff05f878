package dev.recur.optim;

import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import java.util.List;
import java.util.Map;

/** Provider {@code global-norm}. */
public final class GlobalNormClipperProvider implements ClipperProvider {

    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec("max-norm", "5.0", "τ: rescale all gradients together when their L2 norm exceeds it"));

    @Override
    public String name() {
        return "global-norm";
    }

    @Override
    public String description() {
        return "if ||g|| > max-norm then g = max-norm * g / ||g|| (norm over all parameters)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public GradientClipper create(Map<String, String> options) {
        Options o = Options.parse("clipper", this, options);
        return new GlobalNormClipper(o.number("max-norm", 0, false, Double.POSITIVE_INFINITY));
    }
}
