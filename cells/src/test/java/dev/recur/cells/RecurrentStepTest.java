package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.recur.math.Activation;
import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cells compute each time step of a window in one parallel region, every thread over its own range of hidden
 * units, with the recurrent weights prepared once per window ({@link dev.recur.math.MathKernels#prepare}): the
 * gated cells take the gates' recurrent products for those units and then their element-wise part; the Elman cell
 * its product and activation. Here they are checked bit for bit against the plain sequence written out below —
 * per step one product over all gate columns (W_h itself), then the element-wise part row by row, on serial
 * kernels — forward and backward (outputs, carried state, input and state gradients, parameter gradients), on one
 * thread and on two, for batches that take the 64-row, the strip and the few-row product paths, hidden sizes that
 * leave partial strips and vector tails, and one token at a time as generation runs.
 */
class RecurrentStepTest {

    static final long SEED = 1207L;

    static float[] random(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** batch, hidden, steps. */
    static final int[][] SHAPES = {
        {32, 650, 3},   // the PTB LSTM's recurrent product: 2 × 325 units, strips and tails
        {64, 200, 2},   // the packed path (64 rows)
        {5, 37, 4},     // 4-row and 1-row kernels, vector tails of the activations
        {1, 384, 3},    // batch 1 (generation's shape) over a window
        {2, 129, 2},
    };

    @Test
    void lstmStepsEqualThePlainSequence() {
        check(true);
    }

    @Test
    void gruStepsEqualThePlainSequence() {
        check(false);
    }

    @Test
    void elmanStepsEqualThePlainSequence() {
        MathKernels serial = Kernels.get();
        try (ComputeContext ctx = ComputeContext.open(serial, 2)) {
            for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
                for (int[] shape : SHAPES) {
                    int batch = shape[0];
                    int h = shape[1];
                    int steps = shape[2];
                    int in = 24;
                    String what = "Elman " + act + " batch " + batch + ", H " + h + ", steps " + steps + " (seed "
                            + SEED + ")";
                    SplittableRandom r = new SplittableRandom(SEED + h);
                    float[] x = random(batch * steps * in, r);
                    float[] s0 = random(batch * h, r);
                    float[] dOut = random(batch * steps * h, r);
                    float[] dState = random(batch * h, r);
                    Result ref = null;
                    for (MathKernels k : new MathKernels[] {serial, ctx.kernels()}) {
                        Cell cell = new ElmanCell(in, h, act, Initialization.UNIFORM, 1.0, SEED, k);
                        Result got = run(cell, batch, steps, x, s0, dOut, dState);
                        if (ref == null) {
                            ref = referenceElman(cell, act, batch, steps, x, s0, dOut, dState);
                        }
                        String where = what + ", " + k.name();
                        assertArrayEquals(ref.out, got.out, "outputs, " + where);
                        assertArrayEquals(ref.dx, got.dx, "input gradient, " + where);
                        assertArrayEquals(ref.dState, got.dState, "state gradient, " + where);
                        for (int p = 0; p < ref.grads.size(); p++) {
                            assertArrayEquals(ref.grads.get(p), got.grads.get(p), "gradient " + p + ", " + where);
                        }
                    }
                }
            }
        }
    }

    /** The Elman window as it ran before W_h was prepared: the fused product-activation kernels over all columns. */
    static Result referenceElman(Cell cell, Activation act, int batch, int steps, float[] inputs, float[] s0,
                                 float[] dOutputs, float[] dStateOut) {
        MathKernels k = Kernels.get();
        int in = cell.inputSize();
        int h = cell.hiddenSize();
        float[] wE = cell.parameters().get(0).value();
        float[] wH = cell.parameters().get(1).value();
        float[] b1 = cell.parameters().get(2).value();
        int rows = batch * steps;
        int bh = batch * h;
        float[] pre = new float[rows * h];
        float[] hs = new float[rows * h];
        float[] deriv = new float[rows * h];
        k.gemmNN(rows, h, in, inputs, 0, in, wE, 0, h, pre, 0, h, false);
        k.addRowVector(rows, h, b1, 0, pre, 0, h);
        for (int t = 0; t < steps; t++) {
            int off = t * bh;
            float[] prev = t == 0 ? s0 : hs;
            int prevOff = t == 0 ? 0 : off - bh;
            k.gemmNNActivate(batch, h, h, prev, prevOff, h, wH, 0, h, pre, off, h, true, act, hs, off, deriv, off);
        }
        float[] dh = dStateOut.clone();
        float[] dpre = new float[rows * h];
        float[] wHt = new float[h * h];
        k.transpose(h, h, wH, 0, h, wHt, 0, h);
        int last = (steps - 1) * bh;
        k.addMultiplyBlock(batch, h, h, dh, 0, dOutputs, last, deriv, last, dpre, last);
        for (int t = steps - 1; t > 0; t--) {
            int prev = (t - 1) * bh;
            k.gemmNNAddMultiply(batch, h, h, dpre, t * bh, h, wHt, 0, h, dh, 0, h, dOutputs, prev, deriv, prev, dpre,
                    prev);
        }
        k.gemmNN(batch, h, h, dpre, 0, h, wHt, 0, h, dh, 0, h, false);
        float[] gE = new float[in * h];
        float[] gH = new float[h * h];
        float[] gb = new float[h];
        k.gemmTN(h, h, batch, s0, 0, h, dpre, 0, h, gH, 0, h, true);
        if (steps > 1) {
            k.gemmTN(h, h, rows - batch, hs, 0, h, dpre, bh, h, gH, 0, h, true);
        }
        k.gemmTN(in, h, rows, inputs, 0, in, dpre, 0, h, gE, 0, h, true);
        k.sumRows(rows, h, dpre, 0, h, gb, 0);
        float[] dx = new float[rows * in];
        k.gemmNT(rows, in, h, dpre, 0, h, wE, 0, h, dx, 0, in, false);
        return new Result(hs, null, dx, dh, List.of(gE, gH, gb));
    }

    private static void check(boolean lstm) {
        MathKernels serial = Kernels.get();
        try (ComputeContext ctx = ComputeContext.open(serial, 2)) {
            for (int[] shape : SHAPES) {
                int batch = shape[0];
                int h = shape[1];
                int steps = shape[2];
                int in = 24;
                String what = (lstm ? "LSTM" : "GRU") + " batch " + batch + ", H " + h + ", steps " + steps
                        + " (seed " + SEED + ")";
                SplittableRandom r = new SplittableRandom(SEED + h);
                int state = lstm ? 2 * h : h;
                float[] x = random(batch * steps * in, r);
                float[] s0 = random(batch * state, r);
                float[] dOut = random(batch * steps * h, r);
                float[] dState = random(batch * state, r);
                Result ref = null;
                for (MathKernels k : new MathKernels[] {serial, ctx.kernels()}) {
                    Cell cell = lstm ? new LstmCell(in, h, 1.0, SEED, k) : new GruCell(in, h, 1.0, SEED, k);
                    Result got = run(cell, batch, steps, x, s0, dOut, dState);
                    if (ref == null) {
                        ref = lstm ? referenceLstm(cell, batch, steps, x, s0, dOut, dState)
                                : referenceGru(cell, batch, steps, x, s0, dOut, dState);
                    }
                    String where = what + ", " + k.name();
                    assertArrayEquals(ref.out, got.out, "outputs, " + where);
                    assertArrayEquals(ref.stateOut, got.stateOut, "state out, " + where);
                    assertArrayEquals(ref.dx, got.dx, "input gradient, " + where);
                    assertArrayEquals(ref.dState, got.dState, "state gradient, " + where);
                    for (int p = 0; p < ref.grads.size(); p++) {
                        assertArrayEquals(ref.grads.get(p), got.grads.get(p), "gradient " + p + ", " + where);
                    }
                    assertArrayEquals(ref.out, tokenByToken(cell, batch, steps, x, s0), "step by step, " + where);
                }
            }
        }
    }

    record Result(float[] out, float[] stateOut, float[] dx, float[] dState, List<float[]> grads) {
    }

    static Result run(Cell cell, int batch, int steps, float[] x, float[] s0, float[] dOut, float[] dState) {
        int h = cell.hiddenSize();
        CellWorkspace ws = cell.newWorkspace(batch, steps);
        float[] out = new float[batch * steps * h];
        float[] s1 = new float[s0.length];
        cell.forward(batch, steps, x, s0, out, s1, ws);
        for (Parameter p : cell.parameters()) {
            java.util.Arrays.fill(p.grad(), 0f);
        }
        float[] dx = new float[x.length];
        float[] ds0 = new float[s0.length];
        cell.backward(batch, steps, dOut, dState, dx, ds0, ws);
        return new Result(out, s1, dx, ds0, cell.parameters().stream().map(p -> p.grad().clone()).toList());
    }

    /** Outputs of the window fed one step (all rows) per call, state aliased in and out, as generation does. */
    static float[] tokenByToken(Cell cell, int batch, int steps, float[] x, float[] s0) {
        int in = cell.inputSize();
        int h = cell.hiddenSize();
        CellWorkspace ws = cell.newWorkspace(batch, 1);
        float[] state = s0.clone();
        float[] out = new float[batch * h];
        float[] all = new float[steps * batch * h];
        for (int t = 0; t < steps; t++) {
            cell.forward(batch, 1, java.util.Arrays.copyOfRange(x, t * batch * in, (t + 1) * batch * in), state, out,
                    state, ws);
            System.arraycopy(out, 0, all, t * batch * h, batch * h);
        }
        return all;
    }

    /** The LSTM as one product over all 4H columns per step, then the element-wise part row by row. */
    static Result referenceLstm(Cell cell, int batch, int steps, float[] inputs, float[] stateIn, float[] dOutputs,
                                float[] dStateOut) {
        MathKernels k = Kernels.get();
        int in = cell.inputSize();
        int h = cell.hiddenSize();
        float[] wIh = cell.parameters().get(0).value();
        float[] wHh = cell.parameters().get(1).value();
        float[] b = cell.parameters().get(2).value();
        int g4 = 4 * h;
        int rows = batch * steps;
        float[] h0 = new float[batch * h];
        float[] c0 = new float[batch * h];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(stateIn, r * 2 * h, h0, r * h, h);
            System.arraycopy(stateIn, r * 2 * h + h, c0, r * h, h);
        }
        float[] gates = new float[rows * g4];
        float[] c = new float[rows * h];
        float[] tc = new float[rows * h];
        float[] hs = new float[rows * h];
        k.gemmNN(rows, g4, in, inputs, 0, in, wIh, 0, g4, gates, 0, g4, false);
        k.addRowVector(rows, g4, b, 0, gates, 0, g4);
        for (int t = 0; t < steps; t++) {
            int rowBase = t * batch;
            float[] hp = t == 0 ? h0 : hs;
            int hpOff = t == 0 ? 0 : (rowBase - batch) * h;
            float[] cp = t == 0 ? c0 : c;
            k.gemmNN(batch, g4, h, hp, hpOff, h, wHh, 0, g4, gates, rowBase * g4, g4, true);
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4;
                int so = (rowBase + r) * h;
                int co = hpOff + r * h;
                k.activate(Activation.SIGMOID, 2 * h, gates, go, gates, go, null, 0);
                k.activate(Activation.TANH, h, gates, go + 2 * h, gates, go + 2 * h, null, 0);
                k.activate(Activation.SIGMOID, h, gates, go + 3 * h, gates, go + 3 * h, null, 0);
                for (int j = 0; j < h; j++) {
                    c[so + j] = gates[go + h + j] * cp[co + j] + gates[go + j] * gates[go + 2 * h + j];
                }
                k.activate(Activation.TANH, h, c, so, tc, so, null, 0);
                k.multiply(h, gates, go + 3 * h, tc, so, hs, so);
            }
        }
        float[] stateOut = new float[batch * 2 * h];
        int last = (steps - 1) * batch;
        for (int r = 0; r < batch; r++) {
            System.arraycopy(hs, (last + r) * h, stateOut, r * 2 * h, h);
            System.arraycopy(c, (last + r) * h, stateOut, r * 2 * h + h, h);
        }
        // backward
        float[] dh = new float[batch * h];
        float[] dc = new float[batch * h];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(dStateOut, r * 2 * h, dh, r * h, h);
            System.arraycopy(dStateOut, r * 2 * h + h, dc, r * h, h);
        }
        float[] dpre = new float[rows * g4];
        float[] wHhT = new float[g4 * h];
        k.transpose(h, g4, wHh, 0, g4, wHhT, 0, h);
        for (int t = steps - 1; t >= 0; t--) {
            int rowBase = t * batch;
            float[] cp = t == 0 ? c0 : c;
            int cpOff = t == 0 ? 0 : (rowBase - batch) * h;
            for (int r = 0; r < batch; r++) {
                int go = (rowBase + r) * g4;
                int so = (rowBase + r) * h;
                for (int j = 0; j < h; j++) {
                    float d = dh[r * h + j] + dOutputs[so + j];
                    float i = gates[go + j];
                    float f = gates[go + h + j];
                    float g = gates[go + 2 * h + j];
                    float o = gates[go + 3 * h + j];
                    float t2 = tc[so + j];
                    float dcv = dc[r * h + j] + d * o * (1 - t2 * t2);
                    dpre[go + j] = dcv * g * i * (1 - i);
                    dpre[go + h + j] = dcv * cp[cpOff + r * h + j] * f * (1 - f);
                    dpre[go + 2 * h + j] = dcv * i * (1 - g * g);
                    dpre[go + 3 * h + j] = d * t2 * o * (1 - o);
                    dc[r * h + j] = dcv * f;
                }
            }
            k.gemmNN(batch, h, g4, dpre, rowBase * g4, g4, wHhT, 0, h, dh, 0, h, false);
        }
        float[] dState = new float[batch * 2 * h];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(dh, r * h, dState, r * 2 * h, h);
            System.arraycopy(dc, r * h, dState, r * 2 * h + h, h);
        }
        float[] gIh = new float[in * g4];
        float[] gHh = new float[h * g4];
        float[] gb = new float[g4];
        k.gemmTN(h, g4, batch, h0, 0, h, dpre, 0, g4, gHh, 0, g4, true);
        if (steps > 1) {
            k.gemmTN(h, g4, rows - batch, hs, 0, h, dpre, batch * g4, g4, gHh, 0, g4, true);
        }
        k.gemmTN(in, g4, rows, inputs, 0, in, dpre, 0, g4, gIh, 0, g4, true);
        k.sumRows(rows, g4, dpre, 0, g4, gb, 0);
        float[] dx = new float[rows * in];
        k.gemmNT(rows, in, g4, dpre, 0, g4, wIh, 0, g4, dx, 0, in, false);
        return new Result(hs, stateOut, dx, dState, List.of(gIh, gHh, gb));
    }

    /** The GRU as one product over all 3H columns per step, then the element-wise part row by row. */
    static Result referenceGru(Cell cell, int batch, int steps, float[] inputs, float[] stateIn, float[] dOutputs,
                               float[] dStateOut) {
        MathKernels k = Kernels.get();
        int in = cell.inputSize();
        int h = cell.hiddenSize();
        float[] wIh = cell.parameters().get(0).value();
        float[] wHh = cell.parameters().get(1).value();
        float[] bIh = cell.parameters().get(2).value();
        float[] bHh = cell.parameters().get(3).value();
        int g3 = 3 * h;
        int rows = batch * steps;
        float[] h0 = stateIn.clone();
        float[] p = new float[rows * g3];
        float[] q = new float[rows * g3];
        float[] rr = new float[rows * h];
        float[] zz = new float[rows * h];
        float[] nn = new float[rows * h];
        float[] hs = new float[rows * h];
        k.gemmNN(rows, g3, in, inputs, 0, in, wIh, 0, g3, p, 0, g3, false);
        k.addRowVector(rows, g3, bIh, 0, p, 0, g3);
        for (int t = 0; t < steps; t++) {
            int rowBase = t * batch;
            float[] hp = t == 0 ? h0 : hs;
            int hpOff = t == 0 ? 0 : (rowBase - batch) * h;
            k.gemmNN(batch, g3, h, hp, hpOff, h, wHh, 0, g3, q, rowBase * g3, g3, false);
            k.addRowVector(batch, g3, bHh, 0, q, rowBase * g3, g3);
            for (int row = 0; row < batch; row++) {
                int go = (rowBase + row) * g3;
                int so = (rowBase + row) * h;
                int ho = hpOff + row * h;
                for (int j = 0; j < h; j++) {
                    rr[so + j] = p[go + j] + q[go + j];
                    zz[so + j] = p[go + h + j] + q[go + h + j];
                }
                k.activate(Activation.SIGMOID, h, rr, so, rr, so, null, 0);
                k.activate(Activation.SIGMOID, h, zz, so, zz, so, null, 0);
                for (int j = 0; j < h; j++) {
                    nn[so + j] = p[go + 2 * h + j] + rr[so + j] * q[go + 2 * h + j];
                }
                k.activate(Activation.TANH, h, nn, so, nn, so, null, 0);
                for (int j = 0; j < h; j++) {
                    hs[so + j] = (1 - zz[so + j]) * nn[so + j] + zz[so + j] * hp[ho + j];
                }
            }
        }
        float[] stateOut = java.util.Arrays.copyOfRange(hs, (steps - 1) * batch * h, steps * batch * h);
        float[] dh = dStateOut.clone();
        float[] dp = new float[rows * g3];
        float[] dq = new float[rows * g3];
        float[] wHhT = new float[g3 * h];
        k.transpose(h, g3, wHh, 0, g3, wHhT, 0, h);
        for (int t = steps - 1; t >= 0; t--) {
            int rowBase = t * batch;
            float[] hp = t == 0 ? h0 : hs;
            int hpOff = t == 0 ? 0 : (rowBase - batch) * h;
            for (int row = 0; row < batch; row++) {
                int go = (rowBase + row) * g3;
                int so = (rowBase + row) * h;
                for (int j = 0; j < h; j++) {
                    float d = dh[row * h + j] + dOutputs[so + j];
                    float rv = rr[so + j];
                    float zv = zz[so + j];
                    float nv = nn[so + j];
                    float dn = d * (1 - zv) * (1 - nv * nv);
                    float dz = d * (hp[hpOff + row * h + j] - nv) * zv * (1 - zv);
                    float dr = dn * q[go + 2 * h + j] * rv * (1 - rv);
                    dp[go + j] = dr;
                    dp[go + h + j] = dz;
                    dp[go + 2 * h + j] = dn;
                    dq[go + j] = dr;
                    dq[go + h + j] = dz;
                    dq[go + 2 * h + j] = dn * rv;
                    dh[row * h + j] = d * zv;
                }
            }
            k.gemmNN(batch, h, g3, dq, rowBase * g3, g3, wHhT, 0, h, dh, 0, h, true);
        }
        float[] gIh = new float[in * g3];
        float[] gHh = new float[h * g3];
        float[] gbIh = new float[g3];
        float[] gbHh = new float[g3];
        k.gemmTN(h, g3, batch, h0, 0, h, dq, 0, g3, gHh, 0, g3, true);
        if (steps > 1) {
            k.gemmTN(h, g3, rows - batch, hs, 0, h, dq, batch * g3, g3, gHh, 0, g3, true);
        }
        k.sumRows(rows, g3, dq, 0, g3, gbHh, 0);
        k.gemmTN(in, g3, rows, inputs, 0, in, dp, 0, g3, gIh, 0, g3, true);
        k.sumRows(rows, g3, dp, 0, g3, gbIh, 0);
        float[] dx = new float[rows * in];
        k.gemmNT(rows, in, g3, dp, 0, g3, wIh, 0, g3, dx, 0, in, false);
        return new Result(hs, stateOut, dx, dh, List.of(gIh, gHh, gbIh, gbHh));
    }
}
