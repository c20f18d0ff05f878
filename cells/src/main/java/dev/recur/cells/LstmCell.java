package dev.recur.cells;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;
import dev.recur.math.PreparedMatrix;
import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Long short-term memory (Hochreiter &amp; Schmidhuber 1997, with forget gate): gates [i f g o] =
 * x·W_ih + h(t−1)·W_hh + b; c(t) = σ(f)⊙c(t−1) + σ(i)⊙tanh(g); h(t) = σ(o)⊙tanh(c(t)). The carried state of a
 * row is [h | c] (stateSize = 2H); the output is h. Input projections of a window are one product; the
 * forget-gate bias starts at 1.
 */
public final class LstmCell implements Cell {

    private final int in;
    private final int h;
    private final MathKernels k;
    private final Parameter wIh;
    private final Parameter wHh;
    /** W_ih and W_hh in reduced precision for batch-1 steps, or null (fp32). */
    private dev.recur.math.PackedWeights packedIh;
    private dev.recur.math.PackedWeights packedHh;
    private final Parameter b;

    public LstmCell(int inputSize, int hiddenSize, double initScale, long seed, MathKernels kernels) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + ", " + hiddenSize);
        }
        this.in = inputSize;
        this.h = hiddenSize;
        this.k = kernels;
        this.wIh = new Parameter("W_ih", inputSize, 4 * hiddenSize);
        this.wHh = new Parameter("W_hh", hiddenSize, 4 * hiddenSize);
        this.b = new Parameter("b", 4 * hiddenSize);
        SplittableRandom r = new SplittableRandom(seed);
        double range = initScale / Math.sqrt(hiddenSize);
        GateMath.uniform(wIh.value(), range, r);
        GateMath.uniform(wHh.value(), range, r);
        Arrays.fill(b.value(), h, 2 * h, 1f);
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int hiddenSize() {
        return h;
    }

    @Override
    public int stateSize() {
        return 2 * h;
    }

    @Override
    public List<Parameter> recurrentWeights() {
        return List.of(wHh);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wIh, wHh, b);
    }

    /** Rounds W_ih and W_hh (one scale per gate unit) and keeps the packed copies for batch-1 steps. */
    @Override
    public void reduceWeights(dev.recur.math.WeightFormat format) {
        packedIh = wIh.reducePrecision(format, false);
        packedHh = wHh.reducePrecision(format, false);
    }

    private final class Ws extends WindowBuffers {
        final float[] x;
        final float[] h0;
        final float[] c0;
        final float[] gates; // activated i f g o, [rows × 4H]
        final float[] c;     // [rows × H]
        final float[] tc;    // tanh(c)
        final float[] hs;    // [rows × H]
        final float[] dpre;  // [rows × 4H]
        final float[] dh;
        /** W_hhᵀ for the backward recurrence (refreshed at every backward). */
        final float[] wHhT;
        final float[] dc;

        Ws(int batch, int maxSteps) {
            super(LstmCell.this, batch, maxSteps);
            int rows = batch * maxSteps;
            x = new float[rows * in];
            h0 = new float[batch * h];
            c0 = new float[batch * h];
            gates = new float[rows * 4 * h];
            c = new float[rows * h];
            tc = new float[rows * h];
            hs = new float[rows * h];
            dpre = new float[rows * 4 * h];
            dh = new float[batch * h];
            wHhT = new float[4 * h * h];
            dc = new float[batch * h];
        }

        /** W_hh's four gate blocks and W_hhᵀ prepared for the window's per-step
         *  products (windows of 2+ steps, batches above 4: a single step — beam search, batched generation — would copy
         *  W_hh for every token). */
        final PreparedMatrix[] gateHh = new PreparedMatrix[4];
        PreparedMatrix hhT;
        final ForwardStep forwardStep = new ForwardStep(this);
        final BackwardStep backwardStep = new BackwardStep(this);

    }

    @Override
    public CellWorkspace newWorkspace(int batch, int maxSteps) {
        return new Ws(batch, maxSteps);
    }

    private Ws ws(CellWorkspace w, int batch, int steps) {
        return WindowBuffers.of(Ws.class, w, this, batch, steps);
    }

    @Override
    public void forward(int batch, int steps, float[] inputs, float[] stateIn, float[] outputs, float[] stateOut,
                        CellWorkspace cws) {
        Ws w = ws(cws, batch, steps);
        int g4 = 4 * h;
        int rows = batch * steps;
        System.arraycopy(inputs, 0, w.x, 0, rows * in);
        for (int r = 0; r < batch; r++) {
            System.arraycopy(stateIn, r * 2 * h, w.h0, r * h, h);
            System.arraycopy(stateIn, r * 2 * h + h, w.c0, r * h, h);
        }
        GateMath.product(k, rows, g4, in, inputs, 0, in, wIh, packedIh, w.gates, 0, g4, false);
        k.addRowVector(rows, g4, b.value(), 0, w.gates, 0, g4);
        // each step in ONE parallel region: every thread takes a fixed range of hidden units and computes the four
        // gates' recurrent products for them, their non-linearities and the cell update (the same operations per
        // element as one product over all 4H columns followed by the element-wise part: the same bits)
        ForwardStep step = w.forwardStep;
        step.batch = batch;
        step.prepared = batch > GateMath.PACKED_MAX_ROWS && steps > 1;
        if (step.prepared) {
            // every step multiplies by the same W_hh: each gate's block is laid out for the kernels once per window
            for (int q = 0; q < 4; q++) {
                w.gateHh[q] = k.prepare(h, h, wHh.value(), q * h, g4, w.gateHh[q]);
            }
        }
        for (int t = 0; t < steps; t++) {
            step.rowBase = t * batch;
            step.hp = t == 0 ? w.h0 : w.hs;
            step.hpOff = t == 0 ? 0 : (step.rowBase - batch) * h;
            step.cp = t == 0 ? w.c0 : w.c;
            step.cpOff = step.hpOff;
            k.forColumns(batch, h, 2L * batch * g4 * h, step);
        }
        step.hp = null;
        step.cp = null;
        System.arraycopy(w.hs, 0, outputs, 0, rows * h);
        int last = (steps - 1) * batch;
        for (int r = 0; r < batch; r++) {
            System.arraycopy(w.hs, (last + r) * h, stateOut, r * 2 * h, h);
            System.arraycopy(w.c, (last + r) * h, stateOut, r * 2 * h + h, h);
        }
        w.steps = steps;
    }

    @Override
    public void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs, float[] dStateIn,
                         CellWorkspace cws) {
        Ws w = ws(cws, batch, steps);
        w.checkBackward(steps);
        int g4 = 4 * h;
        int rows = batch * steps;
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < h; j++) {
                w.dh[r * h + j] = dStateOut == null ? 0f : dStateOut[r * 2 * h + j];
                w.dc[r * h + j] = dStateOut == null ? 0f : dStateOut[r * 2 * h + h + j];
            }
        }
        // dh(t−1) gets dgates(t)·W_hhᵀ: W_hh transposed once per window, so each step is a plain A·B
        k.transpose(h, g4, wHh.value(), 0, g4, w.wHhT, 0, h);
        // each step in ONE parallel region over fixed ranges of hidden units: dh(t) = dgates(t+1)·W_hhᵀ for the
        // thread's units, then their element-wise part of step t (the same bits as the serial sequence)
        BackwardStep step = w.backwardStep;
        step.batch = batch;
        step.prepared = batch > GateMath.PACKED_MAX_ROWS && steps > 1;
        if (step.prepared) {
            w.hhT = k.prepare(g4, h, w.wHhT, 0, h, w.hhT);
        }
        step.dOutputs = dOutputs;
        for (int t = steps - 1; t >= 0; t--) {
            step.rowBase = t * batch;
            step.fromNext = t < steps - 1;
            step.cp = t == 0 ? w.c0 : w.c;
            step.cpOff = t == 0 ? 0 : (step.rowBase - batch) * h;
            k.forColumns(batch, h, step.fromNext ? 2L * batch * g4 * h : (long) batch * h, step);
        }
        step.cp = null;
        step.dOutputs = null;
        if (dStateIn != null) {
            k.gemmNN(batch, h, g4, w.dpre, 0, g4, w.wHhT, 0, h, w.dh, 0, h, false);
            for (int r = 0; r < batch; r++) {
                System.arraycopy(w.dh, r * h, dStateIn, r * 2 * h, h);
                System.arraycopy(w.dc, r * h, dStateIn, r * 2 * h + h, h);
            }
        }
        k.gemmTN(h, g4, batch, w.h0, 0, h, w.dpre, 0, g4, wHh.grad(), 0, g4, true);
        if (steps > 1) {
            k.gemmTN(h, g4, rows - batch, w.hs, 0, h, w.dpre, batch * g4, g4, wHh.grad(), 0, g4, true);
        }
        k.gemmTN(in, g4, rows, w.x, 0, in, w.dpre, 0, g4, wIh.grad(), 0, g4, true);
        k.sumRows(rows, g4, w.dpre, 0, g4, b.grad(), 0);
        if (dInputs != null) {
            k.gemmNT(rows, in, g4, w.dpre, 0, g4, wIh.value(), 0, g4, dInputs, 0, in, false);
        }
    }

    /** One forward time step for a range of hidden units [j0, j1), see {@link #forward}. */
    private final class ForwardStep implements MathKernels.ColumnTask {
        final Ws w;
        int batch;
        /** Whether the products read the window's prepared W_hh blocks. */
        boolean prepared;
        int rowBase;
        float[] hp;
        int hpOff;
        float[] cp;
        int cpOff;

        ForwardStep(Ws w) {
            this.w = w;
        }

        @Override
        public void run(int j0, int j1, MathKernels kk) {
            int g4 = 4 * h;
            int n = j1 - j0;
            float[] gt = w.gates;
            for (int q = 0; q < 4; q++) {
                if (prepared) {
                    kk.gemmNN(batch, n, h, hp, hpOff, h, w.gateHh[q], j0, gt, rowBase * g4 + q * h + j0, g4, true);
                } else {
                    GateMath.product(kk, batch, n, h, hp, hpOff, h, wHh, packedHh, q * h + j0, gt,
                            rowBase * g4 + q * h + j0, g4, true);
                }
            }
            float[] cv = w.c;
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4 + j0;
                int so = (rowBase + r) * h + j0;
                int co = cpOff + r * h + j0;
                // gate non-linearities on the vector kernels: i, f sigmoid; g tanh; o sigmoid
                kk.activate(Activation.SIGMOID, n, gt, go, gt, go, null, 0);
                kk.activate(Activation.SIGMOID, n, gt, go + h, gt, go + h, null, 0);
                kk.activate(Activation.TANH, n, gt, go + 2 * h, gt, go + 2 * h, null, 0);
                kk.activate(Activation.SIGMOID, n, gt, go + 3 * h, gt, go + 3 * h, null, 0);
                for (int j = 0; j < n; j++) {
                    cv[so + j] = gt[go + h + j] * cp[co + j] + gt[go + j] * gt[go + 2 * h + j];
                }
                kk.activate(Activation.TANH, n, cv, so, w.tc, so, null, 0);
                kk.multiply(n, gt, go + 3 * h, w.tc, so, w.hs, so);
            }
        }
    }

    /**
     * One backward time step for a range of hidden units [j0, j1): first dh(t) for those units from the step
     * after (dgates(t+1)·W_hhᵀ, unless t is the last step, whose dh comes from dStateOut), then the gate
     * derivatives of step t and the carried dc for those units.
     */
    private final class BackwardStep implements MathKernels.ColumnTask {
        final Ws w;
        int batch;
        /** Whether the products read the window's prepared W_hhᵀ. */
        boolean prepared;
        int rowBase;
        boolean fromNext;
        float[] cp;
        int cpOff;
        float[] dOutputs;

        BackwardStep(Ws w) {
            this.w = w;
        }

        @Override
        public void run(int j0, int j1, MathKernels kk) {
            int g4 = 4 * h;
            if (fromNext && prepared) {
                kk.gemmNN(batch, j1 - j0, g4, w.dpre, (rowBase + batch) * g4, g4, w.hhT, j0, w.dh, j0, h, false);
            } else if (fromNext) {
                kk.gemmNN(batch, j1 - j0, g4, w.dpre, (rowBase + batch) * g4, g4, w.wHhT, j0, h, w.dh, j0, h, false);
            }
            float[] dhs = w.dh;
            float[] dcs = w.dc;
            float[] gates = w.gates;
            float[] tc = w.tc;
            float[] dpre = w.dpre;
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4;
                int so = (rowBase + r) * h;
                int co = cpOff + r * h;
                for (int j = j0; j < j1; j++) {
                    float dh = dhs[r * h + j] + dOutputs[so + j];
                    float i = gates[go + j];
                    float f = gates[go + h + j];
                    float g = gates[go + 2 * h + j];
                    float o = gates[go + 3 * h + j];
                    float t2 = tc[so + j];
                    float dc = dcs[r * h + j] + dh * o * (1 - t2 * t2);
                    dpre[go + j] = dc * g * i * (1 - i);
                    dpre[go + h + j] = dc * cp[co + j] * f * (1 - f);
                    dpre[go + 2 * h + j] = dc * i * (1 - g * g);
                    dpre[go + 3 * h + j] = dh * t2 * o * (1 - o);
                    dcs[r * h + j] = dc * f;
                }
            }
        }
    }
}
