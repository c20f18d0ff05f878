package dev.recur.cells;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.math.PackedWeights;
import dev.recur.math.PreparedMatrix;
import dev.recur.math.WeightFormat;
import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Elman cell {@code h(t) = σ(h(t−1)·W_h + x(t)·W_e + b1)}.
 *
 * <p>Storage is row-vector convention: W_e is [inputSize × hidden], W_h is [hidden × hidden], so the
 * textbook (column-vector) matrices are their transposes and the Jacobian
 * {@code J[i][j] = ∂h_i(t)/∂h_j(t−1) = σ'(pre_i)·W_h[j][i]}; for identity σ,
 * ∂h(t)/∂h(t−l) = (W_hᵀ)ˡ, the textbook W_hˡ.
 *
 * <p>Forward projects all inputs of the window in one matrix product and runs only
 * {@code h(t−1)·W_h} plus the activation (with its derivative, fused) inside the time loop. Backward
 * accumulates dW_h and dW_e over the whole window in one product each.
 */
public final class ElmanCell implements Cell, dev.recur.spi.StateJacobian {

    private final int inputSize;
    private final int hiddenSize;
    private final Activation activation;
    private final MathKernels k;
    private final Parameter wE;
    private final Parameter wH;
    private final Parameter b1;
    /** Window batches from which the per-step products read W_h prepared once per window (the kernels' strips). */
    static final int PREPARED_MIN_ROWS = 4;
    /** W_e and W_h in reduced precision for single steps (generation), or null (fp32). */
    private PackedWeights packedE;
    private PackedWeights packedH;

    /**
     * A cell with the given initialisation.
     *
     * @param initScale multiplier of the initialisation range (uniform, xavier) or of the identity (irnn)
     */
    public ElmanCell(int inputSize, int hiddenSize, Activation activation, Initialization init, double initScale,
                     long seed, MathKernels kernels) {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        }
        if (!(initScale >= 0) || !Double.isFinite(initScale)) {
            throw new IllegalArgumentException("initScale must be a finite number >= 0, got " + initScale);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.activation = activation;
        this.k = kernels;
        this.wE = new Parameter("W_e", inputSize, hiddenSize);
        this.wH = new Parameter("W_h", hiddenSize, hiddenSize);
        this.b1 = new Parameter("b1", hiddenSize);
        initialize(init, initScale, new SplittableRandom(seed));
    }

    /** A tanh/sigmoid/relu/identity cell with the default uniform initialisation, on the default kernels. */
    public ElmanCell(int inputSize, int hiddenSize, Activation activation, long seed) {
        this(inputSize, hiddenSize, activation, Initialization.UNIFORM, 1.0, seed, Kernels.get());
    }

    private void initialize(Initialization init, double s, SplittableRandom rnd) {
        switch (init) {
            case UNIFORM -> {
                double r = s / Math.sqrt(hiddenSize);
                fill(wE.value(), r, rnd);
                fill(wH.value(), r, rnd);
                fill(b1.value(), r, rnd);
            }
            case XAVIER -> {
                fill(wE.value(), s * Math.sqrt(6.0 / (inputSize + hiddenSize)), rnd);
                fill(wH.value(), s * Math.sqrt(6.0 / (2.0 * hiddenSize)), rnd);
            }
            case IRNN -> {
                float[] we = wE.value();
                for (int i = 0; i < we.length; i++) {
                    we[i] = (float) (0.001 * gaussian(rnd));
                }
                float[] wh = wH.value();
                for (int i = 0; i < hiddenSize; i++) {
                    wh[i * hiddenSize + i] = (float) s;
                }
            }
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static void fill(float[] a, double range, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public List<Parameter> recurrentWeights() {
        return List.of(wH);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wE, wH, b1);
    }

    /** Rounds W_e and W_h (one scale per hidden unit) and keeps the packed copies for single steps. */
    @Override
    public void reduceWeights(WeightFormat format) {
        packedE = wE.reducePrecision(format, false);
        packedH = wH.reducePrecision(format, false);
    }

    @Override
    public CellWorkspace newWorkspace(int batch, int maxSteps) {
        return new Workspace(batch, maxSteps);
    }

    @Override
    public void forward(int batch, int steps, float[] inputs, float[] stateIn, float[] outputs, float[] stateOut,
                        CellWorkspace cws) {
        Workspace ws = workspace(cws, batch, steps);
        int h = hiddenSize;
        int rows = steps * batch;
        System.arraycopy(inputs, 0, ws.x, 0, rows * inputSize);
        System.arraycopy(stateIn, 0, ws.h0, 0, batch * h);
        float[] pre = ws.pre;
        float[] hs = ws.hs;
        if (steps == 1) {
            // one step (generation): input projection, bias, recurrent product and activation in ONE parallel
            // region, each thread over its own columns of W_e and W_h (they stay in that core's cache from token to
            // token); the same operations per element as the window path below, so the same bits
            ws.step.batch = batch;
            k.forColumns(batch, h, 2L * batch * h * (inputSize + h), ws.step);
        } else {
            // all input projections of the window at once
            k.gemmNN(rows, h, inputSize, inputs, 0, inputSize, wE.value(), 0, h, pre, 0, h, false);
            k.addRowVector(rows, h, b1.value(), 0, pre, 0, h);
            boolean prepared = batch >= PREPARED_MIN_ROWS;
            if (prepared) {
                // every step multiplies by the same W_h: laid out for the kernels once per window
                ws.preparedH = k.prepare(h, h, wH.value(), 0, h, ws.preparedH);
            }
            Workspace.WindowStep step = ws.windowStep;
            step.batch = batch;
            for (int t = 0; t < steps; t++) {
                int off = t * batch * h;
                // h(t) = σ(pre(t) + h(t−1)·W_h), the activation fused into the product (each thread its columns)
                float[] prev = t == 0 ? ws.h0 : hs;
                int prevOff = t == 0 ? 0 : off - batch * h;
                if (prepared) {
                    step.prev = prev;
                    step.prevOff = prevOff;
                    step.off = off;
                    k.forColumns(batch, h, 2L * batch * h * h, step);
                } else {
                    k.gemmNNActivate(batch, h, h, prev, prevOff, h, wH.value(), 0, h, pre, off, h, true, activation,
                            hs, off, ws.deriv, off);
                }
            }
            step.prev = null;
        }
        System.arraycopy(hs, 0, outputs, 0, rows * h);
        System.arraycopy(hs, (steps - 1) * batch * h, stateOut, 0, batch * h);
        ws.steps = steps;
    }

    @Override
    public void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs, float[] dStateIn,
                         CellWorkspace cws) {
        Workspace ws = workspace(cws, batch, steps);
        ws.checkBackward(steps);
        int h = hiddenSize;
        int bh = batch * h;
        int rows = steps * batch;
        float[] dh = ws.dh;
        if (dStateOut == null) {
            Arrays.fill(dh, 0f);
        } else {
            System.arraycopy(dStateOut, 0, dh, 0, bh);
        }
        float[] dpre = ws.dpre;
        // dh(t−1) = dpre(t)·W_hᵀ: W_h transposed once per window, so each step is a plain A·B (no per-step
        // repacking of W_h); each element is still one FMA chain over ascending k
        k.transpose(h, h, wH.value(), 0, h, ws.wHt, 0, h);
        // dpre(t) = (dh(t) + dOut(t)) ⊙ σ'(pre(t)), where dh(t) = dpre(t+1)·W_hᵀ (dStateOut at the last step):
        // each step's element-wise part is fused into the product before it (each thread its own columns)
        int last = (steps - 1) * bh;
        k.addMultiplyBlock(batch, h, h, dh, 0, dOutputs, last, ws.deriv, last, dpre, last);
        boolean prepared = batch >= PREPARED_MIN_ROWS && steps > 1;
        if (prepared) {
            ws.preparedHt = k.prepare(h, h, ws.wHt, 0, h, ws.preparedHt);
        }
        Workspace.BackStep back = ws.backStep;
        back.batch = batch;
        back.dOutputs = dOutputs;
        for (int t = steps - 1; t > 0; t--) {
            int prev = (t - 1) * bh;
            if (prepared) {
                back.from = t * bh;
                back.prev = prev;
                k.forColumns(batch, h, 2L * batch * h * h, back);
            } else {
                k.gemmNNAddMultiply(batch, h, h, dpre, t * bh, h, ws.wHt, 0, h, dh, 0, h, dOutputs, prev, ws.deriv,
                        prev, dpre, prev);
            }
        }
        back.dOutputs = null;
        if (dStateIn != null) {
            k.gemmNN(batch, h, h, dpre, 0, h, ws.wHt, 0, h, dh, 0, h, false);
            System.arraycopy(dh, 0, dStateIn, 0, bh);
        }
        // parameter gradients over the whole window
        k.gemmTN(h, h, batch, ws.h0, 0, h, dpre, 0, h, wH.grad(), 0, h, true);
        if (steps > 1) {
            k.gemmTN(h, h, rows - batch, ws.hs, 0, h, dpre, bh, h, wH.grad(), 0, h, true);
        }
        k.gemmTN(inputSize, h, rows, ws.x, 0, inputSize, dpre, 0, h, wE.grad(), 0, h, true);
        k.sumRows(rows, h, dpre, 0, h, b1.grad(), 0);
        if (dInputs != null) {
            k.gemmNT(rows, inputSize, h, dpre, 0, h, wE.value(), 0, h, dInputs, 0, inputSize, false);
        }
    }

    /**
     * {@code out = (v ⊙ σ'(pre_t)) · W_hᵀ} for each of the {@code count} rows of v, with row {@code row}'s
     * derivatives at step t.
     */
    @Override
    public void backStep(CellWorkspace cws, int t, int row, int count, float[] v, float[] out) {
        if (!(cws instanceof Workspace ws) || ws.owner != this) {
            throw new IllegalArgumentException("workspace was not created by this cell");
        }
        if (t < 0 || t >= ws.steps || row < 0 || row >= ws.batch) {
            throw new IllegalArgumentException("step must be in [0, " + ws.steps + ") and row in [0, " + ws.batch
                    + "), got " + t + ", " + row);
        }
        int h = hiddenSize;
        if (ws.scaled.length < count * h) {
            ws.scaled = new float[count * h];
        }
        int d = (t * ws.batch + row) * h;
        for (int i = 0; i < count; i++) {
            k.multiply(h, v, i * h, ws.deriv, d, ws.scaled, i * h);
        }
        k.gemmNT(count, h, h, ws.scaled, 0, h, wH.value(), 0, h, out, 0, h, false);
    }

    private Workspace workspace(CellWorkspace cws, int batch, int steps) {
        return WindowBuffers.of(Workspace.class, cws, this, batch, steps);
    }

    private final class Workspace extends WindowBuffers {
        final float[] x;
        final float[] h0;
        final float[] pre;
        final float[] hs;
        final float[] deriv;
        final float[] dpre;
        final float[] dh;
        /** W_hᵀ for the backward recurrence (refreshed at every backward). */
        final float[] wHt;
        /** Scratch of the diagnostics-only backStep (grown on demand, never on the training path). */
        float[] scaled = new float[0];
        /** The fused single step of {@link #forward}, reused (no allocation per token). */
        final StepTask step = new StepTask();
        /** W_h and W_hᵀ prepared for the window's per-step products (batches of {@value #PREPARED_MIN_ROWS} and more). */
        PreparedMatrix preparedH;
        PreparedMatrix preparedHt;
        final WindowStep windowStep = new WindowStep();
        final BackStep backStep = new BackStep();

        /** Columns [j0, j1) of step t of a window: pre(t) += h(t−1)·W_h (W_h prepared), then h = σ(pre), d = σ'(pre). */
        final class WindowStep implements MathKernels.ColumnTask {
            int batch;
            float[] prev;
            int prevOff;
            int off;

            @Override
            public void run(int j0, int j1, MathKernels kk) {
                int hid = hiddenSize;
                kk.gemmNN(batch, j1 - j0, hid, prev, prevOff, hid, preparedH, j0, pre, off + j0, hid, true);
                kk.activateBlock(batch, j1 - j0, hid, activation, pre, off + j0, hs, off + j0, deriv, off + j0);
            }
        }

        /** Columns [j0, j1) of a backward step: dh = dpre(t)·W_hᵀ (prepared), dpre(t−1) = (dh + dOut(t−1)) ⊙ σ'. */
        final class BackStep implements MathKernels.ColumnTask {
            int batch;
            float[] dOutputs;
            int from;
            int prev;

            @Override
            public void run(int j0, int j1, MathKernels kk) {
                int hid = hiddenSize;
                kk.gemmNN(batch, j1 - j0, hid, dpre, from, hid, preparedHt, j0, dh, j0, hid, false);
                kk.addMultiplyBlock(batch, j1 - j0, hid, dh, j0, dOutputs, prev + j0, deriv, prev + j0, dpre,
                        prev + j0);
            }
        }

        /** Columns [j0, j1) of one step: pre = x·W_e + b1 + h0·W_h, then h = σ(pre), d = σ'(pre). */
        final class StepTask implements MathKernels.ColumnTask {
            int batch;

            @Override
            public void run(int j0, int j1, MathKernels kk) {
                int w = j1 - j0;
                int hid = hiddenSize;
                if (packedH != null) {
                    // reduced-precision weights: the same three terms from the packed copies, then σ
                    kk.gemmPacked(batch, w, inputSize, x, 0, inputSize, packedE, j0, pre, j0, hid, false);
                    kk.addRowVector(batch, w, b1.value(), j0, pre, j0, hid);
                    kk.gemmPacked(batch, w, hid, h0, 0, hid, packedH, j0, pre, j0, hid, true);
                    kk.activateBlock(batch, w, hid, activation, pre, j0, hs, j0, deriv, j0);
                    return;
                }
                kk.gemmNN(batch, w, inputSize, x, 0, inputSize, wE.value(), j0, hid, pre, j0, hid, false);
                kk.addRowVector(batch, w, b1.value(), j0, pre, j0, hid);
                kk.gemmNNActivate(batch, w, hid, h0, 0, hid, wH.value(), j0, hid, pre, j0, hid, true, activation, hs,
                        j0, deriv, j0);
            }
        }

        Workspace(int batch, int maxSteps) {
            super(ElmanCell.this, batch, maxSteps);
            int rows = batch * maxSteps;
            x = new float[rows * inputSize];
            h0 = new float[batch * hiddenSize];
            pre = new float[rows * hiddenSize];
            hs = new float[rows * hiddenSize];
            deriv = new float[rows * hiddenSize];
            dpre = new float[rows * hiddenSize];
            dh = new float[batch * hiddenSize];
            wHt = new float[hiddenSize * hiddenSize];
        }
    }
}
