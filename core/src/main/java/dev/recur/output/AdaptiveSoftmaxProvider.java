package dev.recur.output;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.OutputSpec;
import java.util.List;
import java.util.Map;

/** {@code adaptive}: the adaptive softmax ({@link AdaptiveSoftmax}), whose cost does not grow with |V|. */
public final class AdaptiveSoftmaxProvider implements OutputLayerProvider {

    /** The provider, as ServiceLoader creates it. */
    public AdaptiveSoftmaxProvider() {
        // stateless
    }

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public String description() {
        return "adaptive softmax (Grave et al. 2017): a head over the most frequent words and one entry per tail "
                + "cluster, each tail projected to H/divisor^i; exact probabilities";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                new OptionSpec("cutoffs", "auto", "increasing ids where the shortlist and each cluster end, like "
                        + "2000,10000 (the vocabulary is sorted most frequent first); auto: V/16,V/4"),
                new OptionSpec("divisor", "4", "tail i projects to H / divisor^i dimensions (>= 1)"),
                new OptionSpec("head-bias", "true", "whether the head has a bias"));
    }

    /** The cutoffs an option value gives for a vocabulary of {@code vocab}. */
    static int[] cutoffs(Options o, int vocab) {
        String v = o.string("cutoffs");
        if (v.equals("auto")) {
            int a = Math.max(1, vocab / 16);
            int b = Math.max(a + 1, vocab / 4);
            return b < vocab ? new int[] {a, b} : new int[] {Math.max(1, vocab / 2)};
        }
        String[] parts = v.split(",");
        int[] c = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                c[i] = Integer.parseInt(parts[i].trim());
            }
            AdaptiveSoftmax.checkCutoffs(c, vocab);
        } catch (IllegalArgumentException e) {
            throw o.invalid("cutoffs", "auto or increasing ids in (0, " + vocab + ") separated by commas", v);
        }
        return c;
    }

    @Override
    public OutputLayer create(OutputSpec spec) {
        Options o = Options.parse("output", this, spec.options());
        if (spec.tiedEmbedding() != null) {
            throw new IllegalArgumentException("output 'adaptive' cannot tie weights: its head and tail projections "
                    + "have other shapes than the embedding; train without --tie-weights (or use output 'class')");
        }
        return new AdaptiveSoftmax(spec.inputSize(), spec.vocabSize(), cutoffs(o, spec.vocabSize()),
                o.number("divisor", 1, true, 1e6), o.bool("head-bias"), spec.random(), spec.kernels());
    }

    @Override
    public long parameterCount(int inputSize, int vocabSize, boolean tied, Map<String, String> options) {
        Options o = Options.parse("output", this, options);
        if (tied) {
            throw new IllegalArgumentException("output 'adaptive' cannot tie weights");
        }
        return AdaptiveSoftmax.parameterCount(inputSize, vocabSize, cutoffs(o, vocabSize),
                o.number("divisor", 1, true, 1e6), o.bool("head-bias"));
    }

    @Override
    public int[] tokenGroups(int inputSize, int vocabSize, Map<String, String> options, long[] tokenCounts) {
        int[] c = cutoffs(Options.parse("output", this, options), vocabSize);
        int[] g = new int[c.length + 2];
        System.arraycopy(c, 0, g, 1, c.length);
        g[g.length - 1] = vocabSize;
        return g;
    }
}
