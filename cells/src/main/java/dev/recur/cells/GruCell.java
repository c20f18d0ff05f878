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
 * Gated recurrent unit (Cho et al. 2014, PyTorch's formulation): with P = x·W_ih + b_ih and
 * Q = h(t−1)·W_hh + b_hh split into [r z n] parts, r = σ(P_r + Q_r), z = σ(P_z + Q_z),
 * n = tanh(P_n + r⊙Q_n), h(t) = (1 − z)⊙n + z⊙h(t−1).
 */
public final class GruCell implements Cell {

    private final int in;
    private final int h;
    private final MathKernels k;
    private final Parameter wIh;
    private final Parameter wHh;
    /** W_ih and W_hh in reduced precision for batch-1 steps, or null (fp32). */
    private dev.recur.math.PackedWeights packedIh;
    private dev.recur.math.PackedWeights packedHh;
    private final Parameter bIh;
    private final Parameter bHh;

    public GruCell(int inputSize, int hiddenSize, double initScale, long seed, MathKernels kernels) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + ", " + hiddenSize);
        }
        this.in = inputSize;
        this.h = hiddenSize;
        this.k = kernels;
        this.wIh = new Parameter("W_ih", inputSize, 3 * hiddenSize);
        this.wHh = new Parameter("W_hh", hiddenSize, 3 * hiddenSize);
        this.bIh = new Parameter("b_ih", 3 * hiddenSize);
        this.bHh = new Parameter("b_hh", 3 * hiddenSize);
        SplittableRandom r = new SplittableRandom(seed);
        double range = initScale / Math.sqrt(hiddenSize);
        for (Parameter p : List.of(wIh, wHh, bIh, bHh)) {
            GateMath.uniform(p.value(), range, r);
        }
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
    public List<Parameter> recurrentWeights() {
        return List.of(wHh);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wIh, wHh, bIh, bHh);
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
        final float[] p;   // [rows × 3H] input part
        final float[] q;   // [rows × 3H] hidden part (before gating)
        final float[] r;
        final float[] z;
        final float[] n;
        final float[] hs;
        final float[] dp;  // [rows × 3H]
        final float[] dq;  // [rows × 3H]
        final float[] dh;
        /** W_hhᵀ for the backward recurrence (refreshed at every backward). */
        final float[] wHhT;

        Ws(int batch, int maxSteps) {
            super(GruCell.this, batch, maxSteps);
            int rows = batch * maxSteps;
            x = new float[rows * in];
            h0 = new float[batch * h];
            p = new float[rows * 3 * h];
            q = new float[rows * 3 * h];
            r = new float[rows * h];
            z = new float[rows * h];
            n = new float[rows * h];
            hs = new float[rows * h];
            dp = new float[rows * 3 * h];
            dq = new float[rows * 3 * h];
            dh = new float[batch * h];
            wHhT = new float[3 * h * h];
        }

        /** W_hh's three gate blocks and W_hhᵀ prepared for the window's per-step
         *  products (windows of 2+ steps, batches above 4: a single step — beam search, batched generation — would copy
         *  W_hh for every token). */
        final PreparedMatrix[] gateHh = new PreparedMatrix[3];
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
        int g3 = 3 * h;
        int rows = batch * steps;
        System.arraycopy(inputs, 0, w.x, 0, rows * in);
        System.arraycopy(stateIn, 0, w.h0, 0, batch * h);
        GateMath.product(k, rows, g3, in, inputs, 0, in, wIh, packedIh, w.p, 0, g3, false);
        k.addRowVector(rows, g3, bIh.value(), 0, w.p, 0, g3);
        // each step in ONE parallel region: every thread takes a fixed range of hidden units and computes the three
        // recurrent products for them, the bias and the element-wise part (per element the same operations as one
        // product over all 3H columns followed by the element-wise part: the same bits)
        ForwardStep step = w.forwardStep;
        step.batch = batch;
        step.prepared = batch > GateMath.PACKED_MAX_ROWS && steps > 1;
        if (step.prepared) {
            // every step multiplies by the same W_hh: each gate's block is laid out for the kernels once per window
            for (int q = 0; q < 3; q++) {
                w.gateHh[q] = k.prepare(h, h, wHh.value(), q * h, g3, w.gateHh[q]);
            }
        }
        for (int t = 0; t < steps; t++) {
            step.rowBase = t * batch;
            step.hp = t == 0 ? w.h0 : w.hs;
            step.hpOff = t == 0 ? 0 : (step.rowBase - batch) * h;
            k.forColumns(batch, h, 2L * batch * g3 * h, step);
        }
        step.hp = null;
        System.arraycopy(w.hs, 0, outputs, 0, rows * h);
        System.arraycopy(w.hs, (steps - 1) * batch * h, stateOut, 0, batch * h);
        w.steps = steps;
    }

    @Override
    public void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs, float[] dStateIn,
                         CellWorkspace cws) {
        Ws w = ws(cws, batch, steps);
        w.checkBackward(steps);
        int g3 = 3 * h;
        int rows = batch * steps;
        if (dStateOut == null) {
            Arrays.fill(w.dh, 0f);
        } else {
            System.arraycopy(dStateOut, 0, w.dh, 0, batch * h);
        }
        // dh(t−1) gets dgates(t)·W_hhᵀ: W_hh transposed once per window, so each step is a plain A·B
        k.transpose(h, g3, wHh.value(), 0, g3, w.wHhT, 0, h);
        // each step in ONE parallel region over fixed ranges of hidden units: dh(t) += dq(t+1)·W_hhᵀ for the
        // thread's units, then their element-wise part of step t (the same bits as the serial sequence)
        BackwardStep step = w.backwardStep;
        step.batch = batch;
        step.prepared = batch > GateMath.PACKED_MAX_ROWS && steps > 1;
        if (step.prepared) {
            w.hhT = k.prepare(g3, h, w.wHhT, 0, h, w.hhT);
        }
        step.dOutputs = dOutputs;
        for (int t = steps - 1; t >= 0; t--) {
            step.rowBase = t * batch;
            step.fromNext = t < steps - 1;
            step.hp = t == 0 ? w.h0 : w.hs;
            step.hpOff = t == 0 ? 0 : (step.rowBase - batch) * h;
            k.forColumns(batch, h, step.fromNext ? 2L * batch * g3 * h : (long) batch * h, step);
        }
        step.hp = null;
        step.dOutputs = null;
        if (dStateIn != null) {
            k.gemmNN(batch, h, g3, w.dq, 0, g3, w.wHhT, 0, h, w.dh, 0, h, true);
            System.arraycopy(w.dh, 0, dStateIn, 0, batch * h);
        }
        k.gemmTN(h, g3, batch, w.h0, 0, h, w.dq, 0, g3, wHh.grad(), 0, g3, true);
        if (steps > 1) {
            k.gemmTN(h, g3, rows - batch, w.hs, 0, h, w.dq, batch * g3, g3, wHh.grad(), 0, g3, true);
        }
        k.sumRows(rows, g3, w.dq, 0, g3, bHh.grad(), 0);
        k.gemmTN(in, g3, rows, w.x, 0, in, w.dp, 0, g3, wIh.grad(), 0, g3, true);
        k.sumRows(rows, g3, w.dp, 0, g3, bIh.grad(), 0);
        if (dInputs != null) {
            k.gemmNT(rows, in, g3, w.dp, 0, g3, wIh.value(), 0, g3, dInputs, 0, in, false);
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

        ForwardStep(Ws w) {
            this.w = w;
        }

        @Override
        public void run(int j0, int j1, MathKernels kk) {
            int g3 = 3 * h;
            int n = j1 - j0;
            float[] p = w.p;
            float[] q = w.q;
            for (int gate = 0; gate < 3; gate++) {
                int col = gate * h + j0;
                if (prepared) {
                    kk.gemmNN(batch, n, h, hp, hpOff, h, w.gateHh[gate], j0, q, rowBase * g3 + col, g3, false);
                } else {
                    GateMath.product(kk, batch, n, h, hp, hpOff, h, wHh, packedHh, col, q, rowBase * g3 + col, g3,
                            false);
                }
                kk.addRowVector(batch, n, bHh.value(), col, q, rowBase * g3 + col, g3);
            }
            float[] rr = w.r;
            float[] zz = w.z;
            float[] nn = w.n;
            float[] hs = w.hs;
            for (int row = 0; row < batch; row++) {
                int go = (rowBase + row) * g3 + j0;
                int so = (rowBase + row) * h + j0;
                int ho = hpOff + row * h + j0;
                for (int j = 0; j < n; j++) {
                    rr[so + j] = p[go + j] + q[go + j];
                    zz[so + j] = p[go + h + j] + q[go + h + j];
                }
                kk.activate(Activation.SIGMOID, n, rr, so, rr, so, null, 0);
                kk.activate(Activation.SIGMOID, n, zz, so, zz, so, null, 0);
                for (int j = 0; j < n; j++) {
                    nn[so + j] = p[go + 2 * h + j] + rr[so + j] * q[go + 2 * h + j];
                }
                kk.activate(Activation.TANH, n, nn, so, nn, so, null, 0);
                for (int j = 0; j < n; j++) {
                    hs[so + j] = (1 - zz[so + j]) * nn[so + j] + zz[so + j] * hp[ho + j];
                }
            }
        }
    }

    /**
     * One backward time step for a range of hidden units [j0, j1): first the W_hh path of dh(t) for those units
     * (dq(t+1)·W_hhᵀ added to the direct path z⊙dh left by the step after; none at the last step), then the
     * derivatives of step t for those units.
     */
    private final class BackwardStep implements MathKernels.ColumnTask {
        final Ws w;
        int batch;
        /** Whether the products read the window's prepared W_hhᵀ. */
        boolean prepared;
        int rowBase;
        boolean fromNext;
        float[] hp;
        int hpOff;
        float[] dOutputs;

        BackwardStep(Ws w) {
            this.w = w;
        }

        @Override
        public void run(int j0, int j1, MathKernels kk) {
            int g3 = 3 * h;
            if (fromNext && prepared) {
                kk.gemmNN(batch, j1 - j0, g3, w.dq, (rowBase + batch) * g3, g3, w.hhT, j0, w.dh, j0, h, true);
            } else if (fromNext) {
                kk.gemmNN(batch, j1 - j0, g3, w.dq, (rowBase + batch) * g3, g3, w.wHhT, j0, h, w.dh, j0, h, true);
            }
            float[] dhs = w.dh;
            for (int row = 0; row < batch; row++) {
                int go = (rowBase + row) * g3;
                int so = (rowBase + row) * h;
                for (int j = j0; j < j1; j++) {
                    float dh = dhs[row * h + j] + dOutputs[so + j];
                    float rv = w.r[so + j];
                    float zv = w.z[so + j];
                    float nv = w.n[so + j];
                    float dn = dh * (1 - zv) * (1 - nv * nv);
                    float dz = dh * (hp[hpOff + row * h + j] - nv) * zv * (1 - zv);
                    float dr = dn * w.q[go + 2 * h + j] * rv * (1 - rv);
                    w.dp[go + j] = dr;
                    w.dp[go + h + j] = dz;
                    w.dp[go + 2 * h + j] = dn;
                    w.dq[go + j] = dr;
                    w.dq[go + h + j] = dz;
                    w.dq[go + 2 * h + j] = dn * rv;
                    dhs[row * h + j] = dh * zv; // the direct path; the W_hh path is added at the step before
                }
            }
        }
    }
}
