package com.example.leaky;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;
import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A leaky Elman cell: h(t) = (1 − α)·h(t−1) + α·σ(h(t−1)·W_h + x(t)·W_e + b), written only against
 * recur-core's public SPI and kernels.
 */
public final class LeakyElmanCell implements Cell {

    private final int in;
    private final int hidden;
    private final float alpha;
    private final Activation act;
    private final MathKernels k;
    private final Parameter wE;
    private final Parameter wH;
    private final Parameter b;

    public LeakyElmanCell(int inputSize, int hiddenSize, double alpha, Activation act, long seed, MathKernels kernels) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + ", " + hiddenSize);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.in = inputSize;
        this.hidden = hiddenSize;
        this.alpha = (float) alpha;
        this.act = act;
        this.k = kernels;
        this.wE = new Parameter("W_e", inputSize, hiddenSize);
        this.wH = new Parameter("W_h", hiddenSize, hiddenSize);
        this.b = new Parameter("b1", hiddenSize);
        SplittableRandom r = new SplittableRandom(seed);
        double range = 1 / Math.sqrt(hiddenSize);
        for (Parameter p : List.of(wE, wH, b)) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) ((r.nextDouble() * 2 - 1) * range);
            }
        }
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wE, wH, b);
    }

    @Override
    public CellWorkspace newWorkspace(int batch, int maxSteps) {
        return new Ws(batch, maxSteps);
    }

    private final class Ws implements CellWorkspace {
        final int batch;
        final int maxSteps;
        final float[] x;
        final float[] h0;
        final float[] pre;
        final float[] s;
        final float[] d;
        final float[] hs;
        final float[] dpre;
        final float[] dh;
        final float[] tmp;
        int steps;

        Ws(int batch, int maxSteps) {
            if (batch < 1 || maxSteps < 1) {
                throw new IllegalArgumentException("batch and maxSteps must be >= 1, got " + batch + ", " + maxSteps);
            }
            this.batch = batch;
            this.maxSteps = maxSteps;
            int rows = batch * maxSteps;
            x = new float[rows * in];
            h0 = new float[batch * hidden];
            pre = new float[rows * hidden];
            s = new float[rows * hidden];
            d = new float[rows * hidden];
            hs = new float[rows * hidden];
            dpre = new float[rows * hidden];
            dh = new float[batch * hidden];
            tmp = new float[batch * hidden];
        }

        public int batch() {
            return batch;
        }

        public int maxSteps() {
            return maxSteps;
        }
    }

    private Ws ws(CellWorkspace w, int batch, int steps) {
        if (!(w instanceof Ws ws)) {
            throw new IllegalArgumentException("workspace was not created by this cell");
        }
        ws.check(batch, steps);
        return ws;
    }

    @Override
    public void forward(int batch, int steps, float[] inputs, float[] stateIn, float[] outputs, float[] stateOut,
                        CellWorkspace cws) {
        Ws w = ws(cws, batch, steps);
        int bh = batch * hidden;
        int rows = batch * steps;
        System.arraycopy(inputs, 0, w.x, 0, rows * in);
        System.arraycopy(stateIn, 0, w.h0, 0, bh);
        k.gemmNN(rows, hidden, in, inputs, 0, in, wE.value(), 0, hidden, w.pre, 0, hidden, false);
        k.addRowVector(rows, hidden, b.value(), 0, w.pre, 0, hidden);
        for (int t = 0; t < steps; t++) {
            int off = t * bh;
            float[] prev = t == 0 ? w.h0 : w.hs;
            int prevOff = t == 0 ? 0 : off - bh;
            k.gemmNN(batch, hidden, hidden, prev, prevOff, hidden, wH.value(), 0, hidden, w.pre, off, hidden, true);
            k.activate(act, bh, w.pre, off, w.s, off, w.d, off);
            for (int i = 0; i < bh; i++) {
                w.hs[off + i] = (1 - alpha) * prev[prevOff + i] + alpha * w.s[off + i];
            }
        }
        System.arraycopy(w.hs, 0, outputs, 0, rows * hidden);
        System.arraycopy(w.hs, (steps - 1) * bh, stateOut, 0, bh);
        w.steps = steps;
    }

    @Override
    public void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs, float[] dStateIn,
                         CellWorkspace cws) {
        Ws w = ws(cws, batch, steps);
        int bh = batch * hidden;
        int rows = batch * steps;
        if (dStateOut == null) {
            Arrays.fill(w.dh, 0f);
        } else {
            System.arraycopy(dStateOut, 0, w.dh, 0, bh);
        }
        for (int t = steps - 1; t >= 0; t--) {
            int off = t * bh;
            k.axpy(bh, 1f, dOutputs, off, w.dh, 0);
            for (int i = 0; i < bh; i++) {
                w.dpre[off + i] = alpha * w.dh[i] * w.d[off + i];
            }
            // dh(t-1) = (1 - α)·dh(t) + dpre·W_hᵀ
            k.gemmNT(batch, hidden, hidden, w.dpre, off, hidden, wH.value(), 0, hidden, w.tmp, 0, hidden, false);
            for (int i = 0; i < bh; i++) {
                w.dh[i] = (1 - alpha) * w.dh[i] + w.tmp[i];
            }
        }
        if (dStateIn != null) {
            System.arraycopy(w.dh, 0, dStateIn, 0, bh);
        }
        k.gemmTN(hidden, hidden, batch, w.h0, 0, hidden, w.dpre, 0, hidden, wH.grad(), 0, hidden, true);
        if (steps > 1) {
            k.gemmTN(hidden, hidden, rows - batch, w.hs, 0, hidden, w.dpre, bh, hidden, wH.grad(), 0, hidden, true);
        }
        k.gemmTN(in, hidden, rows, w.x, 0, in, w.dpre, 0, hidden, wE.grad(), 0, hidden, true);
        k.sumRows(rows, hidden, w.dpre, 0, hidden, b.grad(), 0);
        if (dInputs != null) {
            k.gemmNT(rows, in, hidden, w.dpre, 0, hidden, wE.value(), 0, hidden, dInputs, 0, in, false);
        }
    }
}
