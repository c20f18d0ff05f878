package dev.recur.output;

import dev.recur.math.MathKernels;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Class-based softmax (Mikolov et al. 2011, as in rnnlm): the vocabulary is split into C classes of
 * consecutive ids, p(w | h) = p(class(w) | h) · p(w | class(w), h), with
 * p(c | h) = softmax(h·W_c + b_c) over the classes and p(w | c, h) = softmax(h·U + b) over the words of class c
 * only. Exactly normalised. A row pays for the C class logits and the words of its own class: with C ≈ √V,
 * about 2√V instead of V.
 *
 * <p>Classes follow rnnlm's frequency binning: over ids sorted most frequent first, a class closes when the
 * cumulative unigram probability passes (c + 1)/C, so frequent words share small classes and rare words
 * large ones. Without counts the classes are equal-sized.
 *
 * <p>Parameters: {@code class.W} [H × C], {@code class.b} [C], {@code word.U} [H × V] (absent when tied: the
 * embedding E [V × H], transposed, is used and receives the gradient) and {@code word.b} [V]; weights
 * U(−1/√H, 1/√H), biases 0.
 */
public final class ClassSoftmax extends GroupedSoftmax<Void> {

    private final Parameter word; // U [H × V], or the tied embedding E [V × H]
    private final boolean tied;
    private final Parameter wordB;

    /**
     * A new layer.
     *
     * @param inputSize H
     * @param vocabSize V
     * @param bounds    the class boundaries, 0 = b₀ &lt; b₁ &lt; … &lt; b_C = V (see {@link #frequencyBins})
     * @param tied      the embedding to use as word weights, or null
     * @param random    the initialisation stream
     * @param kernels   the kernels to compute with
     */
    public ClassSoftmax(int inputSize, int vocabSize, int[] bounds, Parameter tied, RandomGenerator random,
                        MathKernels kernels) {
        this(inputSize, vocabSize, bounds, tied, random, kernels, CHUNK_FLOATS);
    }

    /** As the public constructor, with the floats of word logits one chunk may hold (tests use small ones). */
    ClassSoftmax(int inputSize, int vocabSize, int[] bounds, Parameter tied, RandomGenerator random,
                 MathKernels kernels, int chunkFloats) {
        super(inputSize, vocabSize, 0, bounds, "class", true, random, kernels, chunkFloats);
        this.tied = tied != null;
        this.word = tied != null ? tied : new Parameter("word.U", h, vocabSize);
        this.wordB = new Parameter("word.b", vocabSize);
        if (!this.tied) {
            uniform(word.value(), 1 / Math.sqrt(h), random);
        }
        List<Parameter> ps = new ArrayList<>(List.of(topW, topB));
        if (!this.tied) {
            ps.add(word);
        }
        ps.add(wordB);
        parameters(ps);
    }

    /**
     * rnnlm's frequency binning of ids into {@code classes} classes of consecutive ids: a class ends when the
     * cumulative unigram probability passes (c + 1)/classes; every class keeps at least one id. Without
     * counts (or with all-zero counts) the classes are equal-sized.
     *
     * @param counts  each id's training count, or null
     * @param vocab   V
     * @param classes C, in [1, V]
     * @return the boundaries 0 = b₀ &lt; … &lt; b_C = V
     */
    public static int[] frequencyBins(long[] counts, int vocab, int classes) {
        if (classes < 1 || classes > vocab) {
            throw new IllegalArgumentException("classes must be in [1, " + vocab + "], got " + classes);
        }
        long total = 0;
        if (counts != null) {
            for (long c : counts) {
                total += c;
            }
        }
        int[] b = new int[classes + 1];
        b[classes] = vocab;
        if (total == 0) {
            for (int c = 1; c < classes; c++) {
                b[c] = (int) ((long) vocab * c / classes);
            }
            return b;
        }
        double cum = 0;
        int c = 0;
        for (int i = 0; i < vocab && c < classes - 1; i++) {
            cum += counts[i] / (double) total;
            // close class c after id i when the mass passes its share, leaving one id for each class to come
            if ((cum > (c + 1) / (double) classes || vocab - (i + 1) == classes - (c + 1)) && i + 1 > b[c]) {
                b[++c] = i + 1;
            }
        }
        while (c < classes - 1) { // unreachable with the rule above; kept as a guard
            b[c + 1] = b[c] + 1;
            c++;
        }
        return b;
    }

    @Override
    Void newScratch(int chunk) {
        return null;
    }

    /** xg·U[:, class] + b[class] (or xg·E[class]ᵀ + b[class] when tied). */
    @Override
    void groupLogits(Ws<Void> ws, int c, int n) {
        int s = starts[c];
        int size = size(c);
        if (tied) {
            k.gemmNT(n, size, h, ws.xg, 0, h, word.value(), s * h, h, ws.t, 0, size, false);
        } else {
            k.gemmNN(n, size, h, ws.xg, 0, h, word.value(), s, vocab, ws.t, 0, size, false);
        }
        k.addRowVector(n, size, wordB.value(), s, ws.t, 0, size);
    }

    /** dU[:, class] += xgᵀ·dT (tied: dE[class] += dTᵀ·xg), db[class] += Σ dT, dxg = dT·U[:, class]ᵀ. */
    @Override
    void groupBackward(Ws<Void> ws, int c, int n) {
        int s = starts[c];
        int size = size(c);
        if (tied) {
            k.gemmTN(size, h, n, ws.t, 0, size, ws.xg, 0, h, word.grad(), s * h, h, true);
            k.gemmNN(n, h, size, ws.t, 0, size, word.value(), s * h, h, ws.dxg, 0, h, false);
        } else {
            k.gemmTN(h, size, n, ws.xg, 0, h, ws.t, 0, size, word.grad(), s, vocab, true);
            k.gemmNT(n, h, size, ws.t, 0, size, word.value(), s, vocab, ws.dxg, 0, h, false);
        }
        k.sumRows(n, size, ws.t, 0, size, wordB.grad(), s);
    }
}
