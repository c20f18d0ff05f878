package dev.recur.cells;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;
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
        for (int t = 0; t < steps; t++) {
            int rowBase = t * batch;
            float[] hp = t == 0 ? w.h0 : w.hs;
            int hpOff = t == 0 ? 0 : (rowBase - batch) * h;
            float[] cp = t == 0 ? w.c0 : w.c;
            int cpOff = t == 0 ? 0 : (rowBase - batch) * h;
            GateMath.product(k, batch, g4, h, hp, hpOff, h, wHh, packedHh, w.gates, rowBase * g4, g4, true);
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4;
                int so = (rowBase + r) * h;
                int co = cpOff + r * h;
                // gate non-linearities on the vector kernels: i, f sigmoid; g tanh; o sigmoid
                k.activate(Activation.SIGMOID, 2 * h, w.gates, go, w.gates, go, null, 0);
                k.activate(Activation.TANH, h, w.gates, go + 2 * h, w.gates, go + 2 * h, null, 0);
                k.activate(Activation.SIGMOID, h, w.gates, go + 3 * h, w.gates, go + 3 * h, null, 0);
                float[] gt = w.gates;
                float[] cv = w.c;
                for (int j = 0; j < h; j++) {
                    cv[so + j] = gt[go + h + j] * cp[co + j] + gt[go + j] * gt[go + 2 * h + j];
                }
                k.activate(Activation.TANH, h, cv, so, w.tc, so, null, 0);
                k.multiply(h, gt, go + 3 * h, w.tc, so, w.hs, so);
            }
        }
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
        for (int t = steps - 1; t >= 0; t--) {
            int rowBase = t * batch;
            float[] cp = t == 0 ? w.c0 : w.c;
            int cpOff = t == 0 ? 0 : (rowBase - batch) * h;
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4;
                int so = (rowBase + r) * h;
                for (int j = 0; j < h; j++) {
                    float dh = w.dh[r * h + j] + dOutputs[so + j];
                    float i = w.gates[go + j];
                    float f = w.gates[go + h + j];
                    float g = w.gates[go + 2 * h + j];
                    float o = w.gates[go + 3 * h + j];
                    float t2 = w.tc[so + j];
                    float dc = w.dc[r * h + j] + dh * o * (1 - t2 * t2);
                    w.dpre[go + j] = dc * g * i * (1 - i);
                    w.dpre[go + h + j] = dc * cp[cpOff + r * h + j] * f * (1 - f);
                    w.dpre[go + 2 * h + j] = dc * i * (1 - g * g);
                    w.dpre[go + 3 * h + j] = dh * t2 * o * (1 - o);
                    w.dc[r * h + j] = dc * f;
                }
            }
            k.gemmNN(batch, h, g4, w.dpre, rowBase * g4, g4, w.wHhT, 0, h, w.dh, 0, h, false);
        }
        if (dStateIn != null) {
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
}
