package dev.recur.output;

import dev.recur.math.MathKernels;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.Collections;
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
public final class ClassSoftmax implements OutputLayer {

    private final int h;
    private final int vocab;
    private final int classes;
    /** bounds[c] .. bounds[c + 1]: the ids of class c. */
    private final int[] bounds;
    private final int[] classOf;
    private final MathKernels k;
    private final Parameter classW;
    private final Parameter classB;
    private final Parameter word; // U [H × V], or the tied embedding E [V × H]
    private final boolean tied;
    private final Parameter wordB;
    private final List<Parameter> parameters;
    private final int chunkFloats;

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
        this(inputSize, vocabSize, bounds, tied, random, kernels, AdaptiveSoftmax.CHUNK_FLOATS);
    }

    /** As the public constructor, with the floats of word logits one chunk may hold (tests use small ones). */
    ClassSoftmax(int inputSize, int vocabSize, int[] bounds, Parameter tied, RandomGenerator random,
                 MathKernels kernels, int chunkFloats) {
        this.chunkFloats = chunkFloats;
        if (bounds.length < 2 || bounds[0] != 0 || bounds[bounds.length - 1] != vocabSize) {
            throw new IllegalArgumentException("class bounds must run from 0 to " + vocabSize);
        }
        for (int c = 1; c < bounds.length; c++) {
            if (bounds[c] <= bounds[c - 1]) {
                throw new IllegalArgumentException("class bounds must increase strictly");
            }
        }
        this.h = inputSize;
        this.vocab = vocabSize;
        this.classes = bounds.length - 1;
        this.bounds = bounds.clone();
        this.classOf = new int[vocabSize];
        for (int c = 0; c < classes; c++) {
            java.util.Arrays.fill(classOf, bounds[c], bounds[c + 1], c);
        }
        this.k = kernels;
        this.classW = new Parameter("class.W", h, classes);
        this.classB = new Parameter("class.b", classes);
        this.tied = tied != null;
        this.word = tied != null ? tied : new Parameter("word.U", h, vocabSize);
        this.wordB = new Parameter("word.b", vocabSize);
        double range = 1 / Math.sqrt(h);
        uniform(classW.value(), range, random);
        if (!this.tied) {
            uniform(word.value(), range, random);
        }
        List<Parameter> ps = new ArrayList<>(List.of(classW, classB));
        if (!this.tied) {
            ps.add(word);
        }
        ps.add(wordB);
        this.parameters = Collections.unmodifiableList(ps);
    }

    private static void uniform(float[] a, double range, RandomGenerator rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
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
    public int inputSize() {
        return h;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public int[] tokenGroups() {
        return bounds.clone();
    }

    @Override
    public OutputWorkspace newWorkspace(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        return new Ws(maxRows);
    }

    private final class Ws implements OutputWorkspace {
        final int maxRows;
        final float[] cls;
        final int[] classTargets;
        final int[][] rowsOf;
        final int[] count;
        final int[] wordTargets;
        final float[] xg;
        final float[] t;
        final float[] dxg;
        final int maxSize;
        final int chunk;

        Ws(int maxRows) {
            this.maxRows = maxRows;
            int m = 0;
            for (int c = 0; c < classes; c++) {
                m = Math.max(m, bounds[c + 1] - bounds[c]);
            }
            this.maxSize = m;
            this.chunk = Math.max(1, Math.min(maxRows, chunkFloats / m));
            this.cls = new float[maxRows * classes];
            this.classTargets = new int[maxRows];
            this.rowsOf = new int[classes][maxRows];
            this.count = new int[classes];
            this.wordTargets = new int[chunk];
            this.xg = new float[chunk * h];
            this.t = new float[chunk * m];
            this.dxg = new float[chunk * h];
        }

        @Override
        public int maxRows() {
            return maxRows;
        }

        ClassSoftmax owner() {
            return ClassSoftmax.this;
        }
    }

    private Ws own(OutputWorkspace ws, int rows) {
        if (!(ws instanceof Ws w) || w.owner() != this) {
            throw new IllegalArgumentException("not a workspace of this class softmax layer: " + ws);
        }
        w.check(rows);
        return w;
    }

    /** Class logits for the rows, class targets, and the rows of each class. */
    private void classes(Ws ws, int rows, float[] x, int inOff, int[] targets, int tOff) {
        k.gemmNN(rows, classes, h, x, inOff, h, classW.value(), 0, classes, ws.cls, 0, classes, false);
        k.addRowVector(rows, classes, classB.value(), 0, ws.cls, 0, classes);
        java.util.Arrays.fill(ws.count, 0);
        if (targets == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int w = targets[tOff + r];
            if (w < 0 || w >= vocab) {
                throw new IllegalArgumentException("target must be in [0, " + vocab + "), got " + w);
            }
            int c = classOf[w];
            ws.classTargets[r] = c;
            ws.rowsOf[c][ws.count[c]++] = r;
        }
    }

    /** Word logits of class c for its n gathered rows: xg·U[:, class] + b[class]. */
    private void wordLogits(Ws ws, int c, int n) {
        int s = bounds[c];
        int size = bounds[c + 1] - s;
        if (tied) {
            k.gemmNT(n, size, h, ws.xg, 0, h, word.value(), s * h, h, ws.t, 0, size, false);
        } else {
            k.gemmNN(n, size, h, ws.xg, 0, h, word.value(), s, vocab, ws.t, 0, size, false);
        }
        k.addRowVector(n, size, wordB.value(), s, ws.t, 0, size);
    }

    /** Gathers rows from .. from+n of class c: inputs into xg, targets (relative to the class) into wordTargets. */
    private void gather(Ws ws, int c, int from, int n, float[] x, int inOff, int[] targets, int tOff) {
        int[] rows = ws.rowsOf[c];
        for (int j = 0; j < n; j++) {
            System.arraycopy(x, inOff + rows[from + j] * h, ws.xg, j * h, h);
            ws.wordTargets[j] = targets[tOff + rows[from + j]] - bounds[c];
        }
    }

    @Override
    public double lossAndGradient(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff,
                                  float gradScale, float[] dInput, int dOff) {
        Ws ws = own(ows, rows);
        classes(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, classes, ws.cls, 0, classes, ws.classTargets, 0, gradScale);
        k.gemmTN(h, classes, rows, input, inOff, h, ws.cls, 0, classes, classW.grad(), 0, classes, true);
        k.sumRows(rows, classes, ws.cls, 0, classes, classB.grad(), 0);
        k.gemmNT(rows, h, classes, ws.cls, 0, classes, classW.value(), 0, classes, dInput, dOff, h, false);
        for (int c = 0; c < classes; c++) {
            int s = bounds[c];
            int size = bounds[c + 1] - s;
            for (int from = 0; from < ws.count[c]; from += ws.chunk) {
            int n = Math.min(ws.chunk, ws.count[c] - from);
            gather(ws, c, from, n, input, inOff, targets, tOff);
            wordLogits(ws, c, n);
            loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.wordTargets, 0, gradScale);
            // ws.t holds dT
            if (tied) {
                k.gemmTN(size, h, n, ws.t, 0, size, ws.xg, 0, h, word.grad(), s * h, h, true);
                k.gemmNN(n, h, size, ws.t, 0, size, word.value(), s * h, h, ws.dxg, 0, h, false);
            } else {
                k.gemmTN(h, size, n, ws.xg, 0, h, ws.t, 0, size, word.grad(), s, vocab, true);
                k.gemmNT(n, h, size, ws.t, 0, size, word.value(), s, vocab, ws.dxg, 0, h, false);
            }
            k.sumRows(n, size, ws.t, 0, size, wordB.grad(), s);
            int[] rowsOfC = ws.rowsOf[c];
            for (int j = 0; j < n; j++) {
                k.axpy(h, 1f, ws.dxg, j * h, dInput, dOff + rowsOfC[from + j] * h);
            }
            }
        }
        return loss;
    }

    @Override
    public double loss(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff) {
        Ws ws = own(ows, rows);
        classes(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, classes, ws.cls, 0, classes, ws.classTargets, 0, 0f);
        for (int c = 0; c < classes; c++) {
            int size = bounds[c + 1] - bounds[c];
            for (int from = 0; from < ws.count[c]; from += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[c] - from);
                gather(ws, c, from, n, input, inOff, targets, tOff);
                wordLogits(ws, c, n);
                loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.wordTargets, 0, 0f);
            }
        }
        return loss;
    }

    @Override
    public void targetLogProbabilities(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets,
                                       int tOff, double[] out, int outOff) {
        Ws ws = own(ows, rows);
        classes(ws, rows, input, inOff, targets, tOff);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = -k.softmaxCrossEntropy(1, classes, ws.cls, r * classes, classes, ws.classTargets, r, 0f);
        }
        for (int c = 0; c < classes; c++) {
            int size = bounds[c + 1] - bounds[c];
            for (int from = 0; from < ws.count[c]; from += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[c] - from);
                gather(ws, c, from, n, input, inOff, targets, tOff);
                wordLogits(ws, c, n);
                for (int j = 0; j < n; j++) {
                    out[outOff + ws.rowsOf[c][from + j]] -= k.softmaxCrossEntropy(1, size, ws.t, j * size, size,
                            ws.wordTargets, j, 0f);
                }
            }
        }
    }

    /** Writes exact log-probabilities of every token: softmax of them is the distribution. */
    @Override
    public void nextTokenScores(OutputWorkspace ows, int rows, float[] input, int inOff, float[] scores, int outOff) {
        Ws ws = own(ows, rows);
        classes(ws, rows, input, inOff, null, 0);
        int[] zero = ws.wordTargets;
        zero[0] = 0;
        for (int r = 0; r < rows; r++) {
            float lse = (float) (k.softmaxCrossEntropy(1, classes, ws.cls, r * classes, classes, zero, 0, 0f)
                    + ws.cls[r * classes]);
            for (int c = 0; c < classes; c++) {
                ws.cls[r * classes + c] -= lse;
            }
        }
        for (int c = 0; c < classes; c++) {
            int s = bounds[c];
            int size = bounds[c + 1] - s;
            for (int from = 0; from < rows; from += ws.chunk) {
                int n = Math.min(ws.chunk, rows - from);
                System.arraycopy(input, inOff + from * h, ws.xg, 0, n * h);
                wordLogits(ws, c, n);
                for (int j = 0; j < n; j++) {
                    int r = from + j;
                    float lse = (float) (k.softmaxCrossEntropy(1, size, ws.t, j * size, size, zero, 0, 0f)
                            + ws.t[j * size]);
                    float classLogp = ws.cls[r * classes + c];
                    int dst = outOff + r * vocab + s;
                    for (int w = 0; w < size; w++) {
                        scores[dst + w] = classLogp + (ws.t[j * size + w] - lse);
                    }
                }
            }
        }
    }
}
