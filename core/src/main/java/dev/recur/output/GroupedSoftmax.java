package dev.recur.output;

import dev.recur.math.MathKernels;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.random.RandomGenerator;

/**
 * A two-stage, exactly normalised softmax over a vocabulary split into consecutive id ranges: the shape both
 * the adaptive and the class-based softmax have. A top softmax over {@code direct + groups} entries (the first
 * {@code direct} ids are predicted by it directly; entry {@code direct + g} stands for group g), and for each
 * group a softmax over its ids, computed only for the rows whose target lies in it:
 * log p(w) = log softmax(top)[w] for w &lt; direct, log softmax(top)[direct + g] + log softmax(group_g)[w − start_g]
 * otherwise.
 *
 * <p>The top is one product for all rows; a group's rows are gathered (their indices collected while the top
 * targets are set), processed in chunks whose logits fit {@code chunkFloats} floats (any chunk size gives the
 * same bits), and their input gradients scattered back. Subclasses give the group logits and their backward.
 *
 * @param <S> the subclass's per-workspace scratch buffers
 */
abstract class GroupedSoftmax<S> extends BaseOutputLayer {

    /** Floats of group logits one chunk may hold (32 MB): bounds the workspace whatever the group sizes. */
    static final int CHUNK_FLOATS = 1 << 23;

    /** Ids predicted by the top softmax itself (the adaptive shortlist; 0 for the class-based softmax). */
    final int direct;
    /** Group g holds the ids [starts[g], starts[g + 1]); starts[0] = direct, starts[groups] = V. */
    final int[] starts;
    final int topSize;
    final Parameter topW;
    final Parameter topB;
    private final int[] groupOf;
    private final int chunkFloats;

    GroupedSoftmax(int inputSize, int vocabSize, int direct, int[] starts, String topName, boolean topBias,
                   RandomGenerator random, MathKernels kernels, int chunkFloats) {
        super(inputSize, vocabSize, kernels);
        if (starts.length < 2 || starts[0] != direct || starts[starts.length - 1] != vocabSize) {
            throw new IllegalArgumentException("groups must run from " + direct + " to " + vocabSize);
        }
        for (int g = 1; g < starts.length; g++) {
            if (starts[g] <= starts[g - 1]) {
                throw new IllegalArgumentException("group bounds must increase strictly");
            }
        }
        this.direct = direct;
        this.starts = starts.clone();
        this.topSize = direct + groups();
        this.chunkFloats = chunkFloats;
        this.groupOf = new int[vocabSize - direct];
        for (int g = 0; g < groups(); g++) {
            java.util.Arrays.fill(groupOf, starts[g] - direct, starts[g + 1] - direct, g);
        }
        this.topW = new Parameter(topName + ".W", inputSize, topSize);
        this.topB = topBias ? new Parameter(topName + ".b", topSize) : null;
        uniform(topW.value(), 1 / Math.sqrt(inputSize), random);
    }

    final int groups() {
        return starts.length - 1;
    }

    final int size(int g) {
        return starts[g + 1] - starts[g];
    }

    /** Scratch buffers of a workspace whose chunks hold {@code chunk} rows. */
    abstract S newScratch(int chunk);

    /** ws.t[n × size(g)] = the logits of group g for the n gathered rows in ws.xg. */
    abstract void groupLogits(Ws<S> ws, int g, int n);

    /** Called once per call before the chunks of group g are processed backwards (e.g. to transpose a matrix). */
    void beforeBackward(Ws<S> ws, int g) {
    }

    /** ws.t holds d(loss)/d(logits) of the n gathered rows: accumulate the group's gradients, write ws.dxg. */
    abstract void groupBackward(Ws<S> ws, int g, int n);

    @Override
    public final int[] tokenGroups() {
        if (direct == 0) {
            return starts.clone();
        }
        int[] t = new int[starts.length + 1];
        System.arraycopy(starts, 0, t, 1, starts.length);
        return t;
    }

    @Override
    public final OutputWorkspace newWorkspace(int maxRows) {
        int maxSize = 0;
        for (int g = 0; g < groups(); g++) {
            maxSize = Math.max(maxSize, size(g));
        }
        checkMaxRows(maxRows, Math.max(topSize, h));
        int chunk = Math.max(1, Math.min(maxRows, chunkFloats / maxSize));
        return new Ws<>(this, maxRows, chunk, maxSize, newScratch(chunk));
    }

    /** The buffers of one call: the top for all rows, the group buffers for one chunk of gathered rows. */
    static final class Ws<S> implements OutputWorkspace {
        final GroupedSoftmax<S> owner;
        final int maxRows;
        final int chunk;
        final float[] top;
        final int[] topTargets;
        final int[][] rowsOf;
        final int[] count;
        final int[] rel;
        final float[] xg;
        final float[] t;
        final float[] dxg;
        final float[] topWT;
        final S scratch;

        Ws(GroupedSoftmax<S> owner, int maxRows, int chunk, int maxSize, S scratch) {
            this.owner = owner;
            this.maxRows = maxRows;
            this.chunk = chunk;
            this.top = new float[maxRows * owner.topSize];
            this.topTargets = new int[maxRows];
            this.rowsOf = new int[owner.groups()][maxRows];
            this.count = new int[owner.groups()];
            this.rel = new int[chunk];
            this.xg = new float[chunk * owner.h];
            this.t = new float[chunk * maxSize];
            this.dxg = new float[chunk * owner.h];
            this.topWT = new float[owner.topSize * owner.h];
            this.scratch = scratch;
        }

        @Override
        public int maxRows() {
            return maxRows;
        }
    }

    @SuppressWarnings("unchecked")
    private Ws<S> own(OutputWorkspace ws, int rows) {
        if (!(ws instanceof Ws<?> w) || w.owner != this) {
            throw new IllegalArgumentException("not a workspace of this " + getClass().getSimpleName() + ": " + ws);
        }
        w.check(rows);
        return (Ws<S>) w;
    }

    /** Top logits for the rows; with targets, the top targets and the rows of each group. */
    private void top(Ws<S> ws, int rows, float[] x, int inOff, int[] targets, int tOff) {
        k.gemmNN(rows, topSize, h, x, inOff, h, topW.value(), 0, topSize, ws.top, 0, topSize, false);
        if (topB != null) {
            k.addRowVector(rows, topSize, topB.value(), 0, ws.top, 0, topSize);
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
            if (w < direct) {
                ws.topTargets[r] = w;
            } else {
                int g = groupOf[w - direct];
                ws.topTargets[r] = direct + g;
                ws.rowsOf[g][ws.count[g]++] = r;
            }
        }
    }

    /** Gathers rows from .. from+n of group g: inputs into xg and, with targets, ids relative to the group. */
    private void gather(Ws<S> ws, int g, int from, int n, float[] x, int inOff, int[] targets, int tOff) {
        for (int j = 0; j < n; j++) {
            int r = ws.rowsOf[g][from + j];
            System.arraycopy(x, inOff + r * h, ws.xg, j * h, h);
            ws.rel[j] = targets[tOff + r] - starts[g];
        }
    }

    @Override
    public final double lossAndGradient(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets,
                                        int tOff, float gradScale, float[] dInput, int dOff) {
        Ws<S> ws = own(ows, rows);
        top(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, topSize, ws.top, 0, topSize, ws.topTargets, 0, gradScale);
        // ws.top holds d(gradScale·loss)/dtop: dW += Xᵀ·dTop, db += Σ dTop, dX = dTop·Wᵀ (W transposed once)
        k.gemmTN(h, topSize, rows, input, inOff, h, ws.top, 0, topSize, topW.grad(), 0, topSize, true);
        if (topB != null) {
            k.sumRows(rows, topSize, ws.top, 0, topSize, topB.grad(), 0);
        }
        k.transpose(h, topSize, topW.value(), 0, topSize, ws.topWT, 0, h);
        k.gemmNN(rows, h, topSize, ws.top, 0, topSize, ws.topWT, 0, h, dInput, dOff, h, false);
        for (int g = 0; g < groups(); g++) {
            if (ws.count[g] == 0) {
                continue;
            }
            int size = size(g);
            beforeBackward(ws, g);
            for (int from = 0; from < ws.count[g]; from += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[g] - from);
                gather(ws, g, from, n, input, inOff, targets, tOff);
                groupLogits(ws, g, n);
                loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.rel, 0, gradScale);
                groupBackward(ws, g, n);
                for (int j = 0; j < n; j++) {
                    k.axpy(h, 1f, ws.dxg, j * h, dInput, dOff + ws.rowsOf[g][from + j] * h);
                }
            }
        }
        return loss;
    }

    @Override
    public final double loss(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets, int tOff) {
        Ws<S> ws = own(ows, rows);
        top(ws, rows, input, inOff, targets, tOff);
        double loss = k.softmaxCrossEntropy(rows, topSize, ws.top, 0, topSize, ws.topTargets, 0, 0f);
        for (int g = 0; g < groups(); g++) {
            int size = size(g);
            for (int from = 0; from < ws.count[g]; from += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[g] - from);
                gather(ws, g, from, n, input, inOff, targets, tOff);
                groupLogits(ws, g, n);
                loss += k.softmaxCrossEntropy(n, size, ws.t, 0, size, ws.rel, 0, 0f);
            }
        }
        return loss;
    }

    @Override
    public final void targetLogProbabilities(OutputWorkspace ows, int rows, float[] input, int inOff, int[] targets,
                                             int tOff, double[] out, int outOff) {
        Ws<S> ws = own(ows, rows);
        top(ws, rows, input, inOff, targets, tOff);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = -k.softmaxCrossEntropy(1, topSize, ws.top, r * topSize, topSize, ws.topTargets, r, 0f);
        }
        for (int g = 0; g < groups(); g++) {
            int size = size(g);
            for (int from = 0; from < ws.count[g]; from += ws.chunk) {
                int n = Math.min(ws.chunk, ws.count[g] - from);
                gather(ws, g, from, n, input, inOff, targets, tOff);
                groupLogits(ws, g, n);
                for (int j = 0; j < n; j++) {
                    out[outOff + ws.rowsOf[g][from + j]] -= k.softmaxCrossEntropy(1, size, ws.t, j * size, size,
                            ws.rel, j, 0f);
                }
            }
        }
    }

    /** log Σ exp over a row: the cross-entropy of its entry 0 plus that entry. */
    private double logSumExp(float[] x, int off, int n, int[] zero) {
        return k.softmaxCrossEntropy(1, n, x, off, n, zero, 0, 0f) + x[off];
    }

    /** Writes the exact log-probabilities of every token: softmax of them is the distribution. */
    @Override
    public final void nextTokenScores(OutputWorkspace ows, int rows, float[] input, int inOff, float[] scores,
                                      int outOff) {
        Ws<S> ws = own(ows, rows);
        top(ws, rows, input, inOff, null, 0);
        int[] zero = ws.rel;
        zero[0] = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * topSize;
            float lse = (float) logSumExp(ws.top, o, topSize, zero);
            for (int j = 0; j < topSize; j++) {
                ws.top[o + j] -= lse; // top log-probabilities
            }
            System.arraycopy(ws.top, o, scores, outOff + r * vocab, direct);
        }
        for (int g = 0; g < groups(); g++) {
            int size = size(g);
            for (int from = 0; from < rows; from += ws.chunk) {
                int n = Math.min(ws.chunk, rows - from);
                System.arraycopy(input, inOff + from * h, ws.xg, 0, n * h);
                groupLogits(ws, g, n);
                for (int j = 0; j < n; j++) {
                    int r = from + j;
                    float groupLogp = ws.top[r * topSize + direct + g];
                    float lse = (float) logSumExp(ws.t, j * size, size, zero);
                    int dst = outOff + r * vocab + starts[g];
                    for (int w = 0; w < size; w++) {
                        scores[dst + w] = groupLogp + (ws.t[j * size + w] - lse);
                    }
                }
            }
        }
    }
}
