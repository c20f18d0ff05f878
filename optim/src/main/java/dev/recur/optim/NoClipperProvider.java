package dev.recur.optim;

import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import java.util.List;
import java.util.Map;

/** Provider {@code none}. */
public final class NoClipperProvider implements ClipperProvider {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "no clipping (the gradient norm is still measured and reported)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public GradientClipper create(Map<String, String> options) {
        Options.parse("clipper", this, options);
        return new NoClipper();
    }
}
