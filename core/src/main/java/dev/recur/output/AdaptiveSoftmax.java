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
 * Adaptive softmax (Grave et al. 2017, as PyTorch's {@code AdaptiveLogSoftmaxWithLoss}) over a vocabulary sorted
 * most frequent first. Cutoffs c₀ &lt; c₁ &lt; … split the ids into a shortlist [0, c₀) and tail clusters
 * [cᵢ, cᵢ₊₁) (the last ends at V). The head is a softmax over the shortlist plus one entry per cluster:
 * head = h·W_head (+ b_head) over c₀ + clusters classes. Tail i projects h to dᵢ = H / divisorⁱ⁺¹ dimensions
 * and has its own softmax: tail_i = (h·P_i)·W_i. Exactly normalised:
 * log p(w) = log softmax(head)[w] for w in the shortlist, and
 * log softmax(head)[c₀ + i] + log softmax(tail_i)[w − cᵢ] for w in cluster i.
 *
 * <p>Cost: the head is one [rows × H]·[H × (c₀ + clusters)] product; a tail is computed only for the rows
 * whose target falls in it (gathered, one product chain per cluster, scattered back), in chunks that bound
 * the workspace. All products run on the packed kernels; nothing is allocated per call.
 *
 * <p>Parameters: {@code head.W} [H × (c₀ + n)], {@code head.b} [c₀ + n] (with head-bias), and for each cluster
 * i ≥ 1 {@code tail<i>.P} [H × dᵢ] and {@code tail<i>.W} [dᵢ × sizeᵢ]; all initialised U(−1/√fan-in,
 * 1/√fan-in), biases 0. Weight tying is not supported (the shapes differ from the embedding's).
 */
public final class AdaptiveSoftmax implements OutputLayer {

    /** Floats of tail logits one chunk may hold (32 MB): bounds the workspace whatever the cluster sizes. */
    static final int CHUNK_FLOATS = 1 << 23;

    private final int h;
    private final int vocab;
    private final int shortlist;
    private final int headSize;
    /** bounds[0] = 0, bounds[1] = c₀, …, bounds[n + 1] = V: the shortlist, then each cluster. */
    private final int[] bounds;
    private final int[] dims;
    private final MathKernels k;
    private final Parameter headW;
    private final Parameter headB;
    private final Parameter[] proj;
    private final Parameter[] out;
    private final List<Parameter> parameters;
    private final int chunkFloats;

    /**
     * A new layer.
     *
     * @param inputSize H
     * @param vocabSize V
     * @param cutoffs   c₀ &lt; c₁ &lt; … &lt; V, at least one
     * @param divisor   tail i projects to max(1, ⌊H / divisorⁱ⁺¹⌋) dimensions (≥ 1)
     * @param headBias  whether the head has a bias
     * @param random    the initialisation stream
     * @param kernels   the kernels to compute with
     */
    public AdaptiveSoftmax(int inputSize, int vocabSize, int[] cutoffs, double divisor, boolean headBias,
                           RandomGenerator random, MathKernels kernels) {
        this(inputSize, vocabSize, cutoffs, divisor, headBias, random, kernels, CHUNK_FLOATS);
    }

    /** As the public constructor, with the floats of tail logits one chunk may hold (tests use small ones). */
    AdaptiveSoftmax(int inputSize, int vocabSize, int[] cutoffs, double divisor, boolean headBias,
                    RandomGenerator random, MathKernels kernels, int chunkFloats) {
        checkCutoffs(cutoffs, vocabSize);
        this.chunkFloats = chunkFloats;
        this.h = inputSize;
        this.vocab = vocabSize;
        this.k = kernels;
        int n = cutoffs.length;
        this.shortlist = cutoffs[0];
        this.headSize = shortlist + n;
        this.bounds = new int[n + 2];
        System.arraycopy(cutoffs, 0, bounds, 1, n);
        bounds[n + 1] = vocabSize;
        this.dims = dims(inputSize, n, divisor);
        this.headW = new Parameter("head.W", h, headSize);
        this.headB = headBias ? new Parameter("head.b", headSize) : null;
        uniform(headW.value(), 1 / Math.sqrt(h), random);
        this.proj = new Parameter[n];
        this.out = new Parameter[n];
        List<Parameter> ps = new ArrayList<>();
        ps.add(headW);
        if (headB != null) {
            ps.add(headB);
        }
        for (int i = 0; i < n; i++) {
            proj[i] = new Parameter("tail" + (i + 1) + ".P", h, dims[i]);
            out[i] = new Parameter("tail" + (i + 1) + ".W", dims[i], size(i));
            uniform(proj[i].value(), 1 / Math.sqrt(h), random);
            uniform(out[i].value(), 1 / Math.sqrt(dims[i]), random);
            ps.add(proj[i]);
            ps.add(out[i]);
        }
        this.parameters = Collections.unmodifiableList(ps);
    }

    static void checkCutoffs(int[] cutoffs, int vocabSize) {
        if (cutoffs.length == 0) {
            throw new IllegalArgumentException("adaptive softmax needs at least one cutoff");
        }
        int prev = 0;
        for (int c : cutoffs) {
            if (c <= prev || c >= vocabSize) {
                throw new IllegalArgumentException("cutoffs must increase strictly within (0, " + vocabSize
                        + "), got " + java.util.Arrays.toString(cutoffs));
            }
            prev = c;
        }
    }

    static int[] dims(int h, int clusters, double divisor) {
        int[] d = new int[clusters];
        for (int i = 0; i < clusters; i++) {
            d[i] = (int) Math.max(1, Math.floor(h / Math.pow(divisor, i + 1)));
        }
        return d;
    }

    /** Floats of parameters of such a layer. */
    static long parameterCount(int h, int vocab, int[] cutoffs, double divisor, boolean headBias) {
        checkCutoffs(cutoffs, vocab);
        int n = cutoffs.length;
        long head = (long) h * (cutoffs[0] + n) + (headBias ? cutoffs[0] + n : 0);
        int[] d = dims(h, n, divisor);
        long tails = 0;
        for (int i = 0; i < n; i++) {
            int size = (i + 1 < n ? cutoffs[i + 1] : vocab) - cutoffs[i];
            tails += (long) h * d[i] + (long) d[i] * size;
        }
        return head + tails;
    }

    private static void uniform(float[] a, double range, RandomGenerator rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
    }

    private int size(int cluster) {
        return bounds[cluster + 2] - bounds[cluster + 1];
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
        if ((long) maxRows * headSize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("rows*head is too large for one call: " + maxRows + " x " + headSize);
        }
        return new Ws(maxRows);
    }

    /** The buffers of one call; the tail buffers hold one chunk of gathered rows. */
    private final class Ws implements OutputWorkspace {
        final int maxRows;
        final float[] head;
        final int[] headTargets;
        final int[][] rowsOf;
        final int[] count;
        final int chunk;
        final int[] tailTargets;
        final float[] xg;
        final float[] z;
        final float[] t;
        final float[] dz;
        final float[] dxg;
        final float[] headWT;
        final float[][] outT;

        Ws(int maxRows) {
            this.maxRows = maxRows;
            int n = proj.length;
            int maxSize = 0;
            int maxDim = 0;
            for (int i = 0; i < n; i++) {
                maxSize = Math.max(maxSize, size(i));
                maxDim = Math.max(maxDim, dims[i]);
            }
            this.head = new float[maxRows * headSize];
            this.headTargets = new int[maxRows];
            this.rowsOf = new int[n][maxRows];
            this.count = new int[n];
            this.chunk = Math.max(1, Math.min(maxRows, chunkFloats / maxSize));
            this.tailTargets = new int[chunk];
            this.xg = new float[chunk * h];
            this.z = new float[chunk * maxDim];
            this.t = new float[chunk * maxSize];
            this.dz = new float[chunk * maxDim];
            this.dxg = new float[chunk * h];
            this.headWT = new float[headSize * h];
            this.outT = new float[n][];
            for (int i = 0; i < n; i++) {
                outT[i] = new float[size(i) * dims[i]];
            }
        }

        @Override
        public int maxRows() {
            return maxRows;
        }

        AdaptiveSoftmax owner() {
            return AdaptiveSoftmax.this;
        }
    }

    private Ws own(OutputWorkspace ws, int rows) {
        if (!(ws instanceof Ws w) || w.owner() != this) {
            throw new IllegalArgumentException("not a workspace of this adaptive softmax layer: " + ws);
        }
        w.check(rows);
        return w;
    }

    /** head = X·W_head (+ b) for the rows; fills the head targets and the rows of each cluster. */
    private void head(Ws ws, int rows, float[] x, int inOff, int[] targets, int tOff) {
        k.gemmNN(rows, headSize, h, x, inOff, h, headW.value(), 0, headSize, ws.head, 0, headSize, false);
        if (headB != null) {
            k.addRowVector(rows, headSize, headB.value(), 0, ws.head, 0, headSize);
        }
        java.util.Arrays.fill(ws.count, 0);
        if (targets == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int w = targets[tOff + r];
            if (w < 0 || w >= vocab) {
                throw new IllegalArgumentException("target must be in [0, " + vocab + "), got " + w);
            }
            if (w < shortlist) {
                ws.headTargets[r] = w;
            } else {
                int c = cluster(w);
                ws.headTargets[r] = shortlist + c;
                ws.rowsOf[c][ws.count[c]++] = r;
            }
        }
    }

    /** The tail cluster of an id ≥ c₀. */
    private int cluster(int w) {
        int c = 0;
        while (w >= bounds[c + 2]) {
            c++;
        }
        return c;
    }

    /** Gathers rows s .. s+n of cluster c: inputs into xg, targets (relative to the cluster) into tailTargets. */
    private void gather(Ws ws, int c, int s, int n, float[] x, int inOff, int[] targets, int tOff) {
        for (int j = 0; j < n; j++) {
            int r = ws.rowsOf[c][s + j];
            System.arraycopy(x, inOff + r * h, ws.xg, j * h, h);
            if (targets != null) {
                ws.tailTargets[j] = targets[tOff + r] - bounds[c + 1];
            }
        }
    }

    /** Tail logits of the n gathered rows: z = xg·P_c, t = z·W_c. */
    private void tailLogits(Ws ws, int c, int n) {
        int d = dims[c];
        int size = size(c);
        k.gemmNN(n, d, h, ws.xg, 0, h, proj[c].value(), 0, d, ws.z, 0, d, false);
        k.gemmNN(n, size, d, ws.z, 0, d, out[c].value(), 0, size, ws.t, 0, size, false);
    }

    @Override
    public double lossAndGradient(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff,
                                  float gradScale, float[] dInput, int dOff) {
        Ws ws = own(ows, rows);
        head(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, headSize, ws.head, 0, headSize, ws.headTargets, 0, gradScale);
        // ws.head holds d(gradScale·loss)/dhead
        k.gemmTN(h, headSize, rows, input, inOff, h, ws.head, 0, headSize, headW.grad(), 0, headSize, true);
        if (headB != null) {
            k.sumRows(rows, headSize, ws.head, 0, headSize, headB.grad(), 0);
        }
        k.transpose(h, headSize, headW.value(), 0, headSize, ws.headWT, 0, h);
        k.gemmNN(rows, h, headSize, ws.head, 0, headSize, ws.headWT, 0, h, dInput, dOff, h, false);
        for (int c = 0; c < proj.length; c++) {
            if (ws.count[c] == 0) {
                continue;
            }
            int d = dims[c];
            int size = size(c);
            k.transpose(d, size, out[c].value(), 0, size, ws.outT[c], 0, d);
            for (int s = 0; s < ws.count[c]; s += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[c] - s);
                gather(ws, c, s, n, input, inOff, targets, tOff);
                tailLogits(ws, c, n);
                loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.tailTargets, 0, gradScale);
                // ws.t holds dT: dW_c += zᵀ·dT, dz = dT·W_cᵀ, dP_c += xgᵀ·dz, dxg = dz·P_cᵀ
                k.gemmTN(d, size, n, ws.z, 0, d, ws.t, 0, size, out[c].grad(), 0, size, true);
                k.gemmNN(n, d, size, ws.t, 0, size, ws.outT[c], 0, d, ws.dz, 0, d, false);
                k.gemmTN(h, d, n, ws.xg, 0, h, ws.dz, 0, d, proj[c].grad(), 0, d, true);
                k.gemmNT(n, h, d, ws.dz, 0, d, proj[c].value(), 0, d, ws.dxg, 0, h, false);
                for (int j = 0; j < n; j++) {
                    k.axpy(h, 1f, ws.dxg, j * h, dInput, dOff + ws.rowsOf[c][s + j] * h);
                }
            }
        }
        return loss;
    }

    @Override
    public double loss(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff) {
        Ws ws = own(ows, rows);
        head(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, headSize, ws.head, 0, headSize, ws.headTargets, 0, 0f);
        for (int c = 0; c < proj.length; c++) {
            int size = size(c);
            for (int s = 0; s < ws.count[c]; s += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[c] - s);
                gather(ws, c, s, n, input, inOff, targets, tOff);
                tailLogits(ws, c, n);
                loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.tailTargets, 0, 0f);
            }
        }
        return loss;
    }

    @Override
    public void targetLogProbabilities(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets,
                                       int tOff, double[] outLogp, int outOff) {
        Ws ws = own(ows, rows);
        head(ws, rows, input, inOff, targets, tOff);
        for (int r = 0; r < rows; r++) {
            outLogp[outOff + r] = -k.softmaxCrossEntropy(1, headSize, ws.head, r * headSize, headSize, ws.headTargets,
                    r, 0f);
        }
        for (int c = 0; c < proj.length; c++) {
            int size = size(c);
            for (int s = 0; s < ws.count[c]; s += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[c] - s);
                gather(ws, c, s, n, input, inOff, targets, tOff);
                tailLogits(ws, c, n);
                for (int j = 0; j < n; j++) {
                    outLogp[outOff + ws.rowsOf[c][s + j]] -= k.softmaxCrossEntropy(1, size, ws.t, j * size, size,
                            ws.tailTargets, j, 0f);
                }
            }
        }
    }

    /** log Σ exp over a row: the cross-entropy of token 0 plus its logit. */
    private double logSumExp(float[] x, int off, int n, int[] zero) {
        return k.softmaxCrossEntropy(1, n, x, off, n, zero, 0, 0f) + x[off];
    }

    /** Writes exact log-probabilities of every token: softmax of them is the distribution. */
    @Override
    public void nextTokenScores(OutputWorkspace ows, int rows, float[] input, int inOff, float[] scores, int outOff) {
        Ws ws = own(ows, rows);
        head(ws, rows, input, inOff, null, 0);
        int[] zero = ws.tailTargets;
        java.util.Arrays.fill(zero, 0, Math.min(1, zero.length), 0);
        for (int r = 0; r < rows; r++) {
            int o = r * headSize;
            float lse = (float) logSumExp(ws.head, o, headSize, zero);
            for (int j = 0; j < headSize; j++) {
                ws.head[o + j] -= lse; // head log-probabilities
            }
            System.arraycopy(ws.head, o, scores, outOff + r * vocab, shortlist);
        }
        for (int c = 0; c < proj.length; c++) {
            int size = size(c);
            for (int s = 0; s < rows; s += ws.chunk) {
                int n = Math.min(ws.chunk, rows - s);
                for (int j = 0; j < n; j++) {
                    System.arraycopy(input, inOff + (s + j) * h, ws.xg, j * h, h);
                }
                tailLogits(ws, c, n);
                for (int j = 0; j < n; j++) {
                    int r = s + j;
                    float clusterLogp = ws.head[r * headSize + shortlist + c];
                    float lse = (float) logSumExp(ws.t, j * size, size, zero);
                    int dst = outOff + r * vocab + bounds[c + 1];
                    for (int w = 0; w < size; w++) {
                        scores[dst + w] = clusterLogp + (ws.t[j * size + w] - lse);
                    }
                }
            }
        }
    }
}
