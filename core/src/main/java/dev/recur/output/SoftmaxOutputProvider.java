package dev.recur.output;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.OutputSpec;
import java.util.List;
import java.util.Map;

/** {@code softmax}: the full softmax over the vocabulary (the default output layer). */
public final class SoftmaxOutputProvider implements OutputLayerProvider {

    /** The provider, as ServiceLoader creates it. */
    public SoftmaxOutputProvider() {
        // stateless
    }

    /** The provider's name, stored in model files. */
    public static final String NAME = "softmax";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "full softmax over the vocabulary: logits = h·U + b2 (U = Eᵀ with tied weights); cost grows with |V|";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public OutputLayer create(OutputSpec spec) {
        Options.parse("output", this, spec.options());
        return new SoftmaxOutput(spec);
    }

    @Override
    public long parameterCount(int inputSize, int vocabSize, boolean tied, Map<String, String> options) {
        Options.parse("output", this, options);
        return (tied ? 0L : (long) inputSize * vocabSize) + vocabSize;
    }
}
