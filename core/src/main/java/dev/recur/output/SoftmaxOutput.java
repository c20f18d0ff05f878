package dev.recur.output;

import dev.recur.math.PackedWeights;
import dev.recur.math.WeightFormat;
import dev.recur.spi.OutputSpec;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.List;

/**
 * The full softmax: logits = h·U + b2 (or h·Eᵀ + b2 with a tied embedding E), p = softmax(logits). Its cost
 * grows with the vocabulary: three [rows × H]·[H × V] products per training window, all through the packed
 * kernels, with the fused softmax + cross-entropy in between.
 *
 * <p>Parameters: {@code U} [H × V] (untied only), initialised U(−1/√H, 1/√H), and {@code b2} [V], zero.
 */
public final class SoftmaxOutput extends BaseOutputLayer {

    private final Parameter weight; // U, or the tied embedding E (not owned)
    private final boolean tied;
    private final Parameter bias;
    /** U (or Eᵀ) in reduced precision for batch-1 next-token scores, or null (fp32). */
    private PackedWeights packed;
    /** Next-token scores of at most this many rows read the packed weights (more rows: the fp32 GEMM). */
    private static final int PACKED_MAX_ROWS = 4;

    /**
     * Builds the layer a spec describes (no options).
     *
     * @param spec sizes, kernels, the initialisation stream and a tied embedding (or null)
     */
    public SoftmaxOutput(OutputSpec spec) {
        super(spec.inputSize(), spec.vocabSize(), spec.kernels());
        this.tied = spec.tiedEmbedding() != null;
        this.weight = tied ? spec.tiedEmbedding() : new Parameter("U", h, vocab);
        this.bias = new Parameter("b2", vocab);
        if (!tied) {
            uniform(weight.value(), 1.0 / Math.sqrt(h), spec.random());
        }
        parameters(tied ? List.of(bias) : List.of(weight, bias));
    }

    @Override
    public OutputWorkspace newWorkspace(int maxRows) {
        checkMaxRows(maxRows, vocab);
        return new Workspace(maxRows, new float[maxRows * vocab]);
    }

    private static final class Workspace implements OutputWorkspace {
        private final int maxRows;
        private final float[] logits;
        /** Uᵀ [V × H] for the backward pass of an untied layer (allocated at the first backward pass). */
        private float[] weightT;

        Workspace(int maxRows, float[] logits) {
            this.maxRows = maxRows;
            this.logits = logits;
        }

        @Override
        public int maxRows() {
            return maxRows;
        }
    }

    private Workspace own(OutputWorkspace ws, int rows) {
        if (!(ws instanceof Workspace w)) {
            throw new IllegalArgumentException("not a workspace of this softmax layer: " + ws);
        }
        w.check(rows);
        return w;
    }

    private void logits(int rows, float[] input, int inOff, float[] logits) {
        if (tied) {
            k.gemmNT(rows, vocab, h, input, inOff, h, weight.value(), 0, h, logits, 0, vocab, false);
        } else {
            k.gemmNN(rows, vocab, h, input, inOff, h, weight.value(), 0, vocab, logits, 0, vocab, false);
        }
        k.addRowVector(rows, vocab, bias.value(), 0, logits, 0, vocab);
    }

    @Override
    public double lossAndGradient(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff,
                                  float gradScale, float[] dInput, int dOff) {
        Workspace ws = own(ows, rows);
        float[] g = ws.logits;
        logits(rows, input, inOff, g);
        double loss = k.softmaxCrossEntropy(rows, vocab, g, 0, vocab, targets, tOff, gradScale);
        // g now holds d(gradScale·loss)/dlogits
        if (tied) {
            // logits = h·Eᵀ: dE += dLogitsᵀ·h, dInput = dLogits·E
            k.gemmTN(vocab, h, rows, g, 0, vocab, input, inOff, h, weight.grad(), 0, h, true);
            k.gemmNN(rows, h, vocab, g, 0, vocab, weight.value(), 0, h, dInput, dOff, h, false);
        } else {
            k.gemmTN(h, vocab, rows, input, inOff, h, g, 0, vocab, weight.grad(), 0, vocab, true);
            // dInput = dLogits·Uᵀ as a product with Uᵀ transposed once per call: the packed A·B kernels instead
            // of |V|-long dot products that stream all of U once per four rows
            if (ws.weightT == null) {
                ws.weightT = new float[vocab * h];
            }
            k.transpose(h, vocab, weight.value(), 0, vocab, ws.weightT, 0, h);
            k.gemmNN(rows, h, vocab, g, 0, vocab, ws.weightT, 0, h, dInput, dOff, h, false);
        }
        k.sumRows(rows, vocab, g, 0, vocab, bias.grad(), 0);
        return loss;
    }

    @Override
    public double loss(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff) {
        Workspace ws = own(ows, rows);
        logits(rows, input, inOff, ws.logits);
        return k.softmaxCrossEntropy(rows, vocab, ws.logits, 0, vocab, targets, tOff, 0f);
    }

    @Override
    public void targetLogProbabilities(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets,
                                       int tOff, double[] out, int outOff) {
        Workspace ws = own(ows, rows);
        logits(rows, input, inOff, ws.logits);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = -k.softmaxCrossEntropy(1, vocab, ws.logits, r * vocab, vocab, targets, tOff + r, 0f);
        }
    }

    @Override
    public void nextTokenScores(OutputWorkspace ows, int rows, float[] input, int inOff, float[] out, int outOff) {
        Workspace ws = own(ows, rows);
        if (packed != null && rows <= PACKED_MAX_ROWS) {
            k.gemmPacked(rows, vocab, h, input, inOff, h, packed, 0, out, outOff, vocab, false);
        } else if (tied) {
            k.gemmNT(rows, vocab, h, input, inOff, h, weight.value(), 0, h, out, outOff, vocab, false);
        } else {
            k.gemmNN(rows, vocab, h, input, inOff, h, weight.value(), 0, vocab, out, outOff, vocab, false);
        }
        k.addRowVector(rows, vocab, bias.value(), 0, out, outOff, vocab);
    }

    /** Rounds U (or the tied E, one scale per word) and keeps the packed copy for the batch-1 scores. */
    @Override
    public void reduceWeights(WeightFormat format) {
        packed = weight.reducePrecision(format, tied);
    }
}
