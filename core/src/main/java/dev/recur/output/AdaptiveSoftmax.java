package dev.recur.output;

import dev.recur.math.MathKernels;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
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
public final class AdaptiveSoftmax extends GroupedSoftmax<AdaptiveSoftmax.Scratch> {

    /** Floats of tail logits one chunk may hold (32 MB): bounds the workspace whatever the cluster sizes. */
    static final int CHUNK_FLOATS = GroupedSoftmax.CHUNK_FLOATS;

    private final int[] dims;
    private final Parameter[] proj;
    private final Parameter[] out;

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
        super(inputSize, vocabSize, cutoffs[0], groupStarts(cutoffs, vocabSize), "head", headBias, random, kernels,
                chunkFloats);
        int n = cutoffs.length;
        this.dims = dims(inputSize, n, divisor);
        this.proj = new Parameter[n];
        this.out = new Parameter[n];
        List<Parameter> ps = new ArrayList<>();
        ps.add(topW);
        if (topB != null) {
            ps.add(topB);
        }
        for (int i = 0; i < n; i++) {
            proj[i] = new Parameter("tail" + (i + 1) + ".P", h, dims[i]);
            out[i] = new Parameter("tail" + (i + 1) + ".W", dims[i], size(i));
            uniform(proj[i].value(), 1 / Math.sqrt(h), random);
            uniform(out[i].value(), 1 / Math.sqrt(dims[i]), random);
            ps.add(proj[i]);
            ps.add(out[i]);
        }
        parameters(ps);
    }

    /** The cutoffs, checked, then V: where each tail cluster starts, and the end. */
    private static int[] groupStarts(int[] cutoffs, int vocabSize) {
        checkCutoffs(cutoffs, vocabSize);
        int[] s = java.util.Arrays.copyOf(cutoffs, cutoffs.length + 1);
        s[cutoffs.length] = vocabSize;
        return s;
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

    /** A tail's buffers for one chunk: the projections and their gradient, and the transposed output matrices. */
    record Scratch(float[] z, float[] dz, float[][] outT) {
    }

    @Override
    Scratch newScratch(int chunk) {
        int maxDim = 0;
        float[][] outT = new float[proj.length][];
        for (int i = 0; i < proj.length; i++) {
            maxDim = Math.max(maxDim, dims[i]);
            outT[i] = new float[size(i) * dims[i]];
        }
        return new Scratch(new float[chunk * maxDim], new float[chunk * maxDim], outT);
    }

    /** z = xg·P_c, t = z·W_c. */
    @Override
    void groupLogits(Ws<Scratch> ws, int c, int n) {
        int d = dims[c];
        int size = size(c);
        k.gemmNN(n, d, h, ws.xg, 0, h, proj[c].value(), 0, d, ws.scratch.z(), 0, d, false);
        k.gemmNN(n, size, d, ws.scratch.z(), 0, d, out[c].value(), 0, size, ws.t, 0, size, false);
    }

    @Override
    void beforeBackward(Ws<Scratch> ws, int c) {
        k.transpose(dims[c], size(c), out[c].value(), 0, size(c), ws.scratch.outT()[c], 0, dims[c]);
    }

    /** dW_c += zᵀ·dT, dz = dT·W_cᵀ, dP_c += xgᵀ·dz, dxg = dz·P_cᵀ. */
    @Override
    void groupBackward(Ws<Scratch> ws, int c, int n) {
        int d = dims[c];
        int size = size(c);
        float[] z = ws.scratch.z();
        float[] dz = ws.scratch.dz();
        k.gemmTN(d, size, n, z, 0, d, ws.t, 0, size, out[c].grad(), 0, size, true);
        k.gemmNN(n, d, size, ws.t, 0, size, ws.scratch.outT()[c], 0, d, dz, 0, d, false);
        k.gemmTN(h, d, n, ws.xg, 0, h, dz, 0, d, proj[c].grad(), 0, d, true);
        k.gemmNT(n, h, d, dz, 0, d, proj[c].value(), 0, d, ws.dxg, 0, h, false);
    }
}
