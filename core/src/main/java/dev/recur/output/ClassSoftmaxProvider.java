package dev.recur.output;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.OutputSpec;
import java.util.List;
import java.util.Map;

/** {@code class}: the class-based softmax ({@link ClassSoftmax}) with rnnlm's frequency binning. */
public final class ClassSoftmaxProvider implements OutputLayerProvider {

    /** The provider, as ServiceLoader creates it. */
    public ClassSoftmaxProvider() {
        // stateless
    }

    @Override
    public String name() {
        return "class";
    }

    @Override
    public String description() {
        return "class-based softmax (Mikolov et al. 2011): p(class)·p(word | class), classes by frequency binning; "
                + "exact probabilities; ties the word weights with --tie-weights";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(new OptionSpec("classes", "auto", "number of classes (auto: round(sqrt(V)))"));
    }

    static int classes(Options o, int vocab) {
        String v = o.string("classes");
        return v.equals("auto") ? (int) Math.max(1, Math.min(vocab, Math.round(Math.sqrt(vocab))))
                : o.integer("classes", 1, vocab);
    }

    @Override
    public OutputLayer create(OutputSpec spec) {
        Options o = Options.parse("output", this, spec.options());
        int c = classes(o, spec.vocabSize());
        return new ClassSoftmax(spec.inputSize(), spec.vocabSize(),
                ClassSoftmax.frequencyBins(spec.tokenCounts(), spec.vocabSize(), c), spec.tiedEmbedding(),
                spec.random(), spec.kernels());
    }

    @Override
    public long parameterCount(int inputSize, int vocabSize, boolean tied, Map<String, String> options) {
        int c = classes(Options.parse("output", this, options), vocabSize);
        return (long) inputSize * c + c + (tied ? 0 : (long) inputSize * vocabSize) + vocabSize;
    }

    @Override
    public int[] tokenGroups(int inputSize, int vocabSize, Map<String, String> options, long[] tokenCounts) {
        return ClassSoftmax.frequencyBins(tokenCounts, vocabSize, classes(Options.parse("output", this, options),
                vocabSize));
    }
}
