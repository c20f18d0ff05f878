package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.math.Activation;
import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.CellWorkspace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ElmanCell} one token at a time (batch 1, one step per call: how generation runs it, with 1-row kernels
 * and 128-column splits) against the same tokens as one window, bit for bit, on one and two threads; and the
 * gradients of a single-token call against finite differences.
 */
class ElmanSingleTokenTest {

    static final long SEED = 21L;

    static float[] random(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Outputs of {@code steps} tokens fed one call at a time (state aliased in and out, as generation does). */
    static float[] tokenByToken(ElmanCell cell, float[] inputs, float[] s0, int steps) {
        int in = cell.inputSize();
        int h = cell.hiddenSize();
        CellWorkspace ws = cell.newWorkspace(1, 1);
        float[] state = s0.clone();
        float[] x = new float[in];
        float[] out = new float[h];
        float[] all = new float[steps * h];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(inputs, t * in, x, 0, in);
            cell.forward(1, 1, x, state, out, state, ws);
            System.arraycopy(out, 0, all, t * h, h);
        }
        return all;
    }

    @Test
    void singleTokensEqualTheWindowOnOneAndTwoThreads() {
        MathKernels serial = Kernels.get();
        try (ComputeContext ctx = ComputeContext.open(serial, 2)) {
            MathKernels two = ctx.kernels();
            for (Activation act : Activation.values()) {
            for (int h : new int[] {384, 512, 100}) {       // 384, 512: split in 128-column blocks; 100: a scalar tail
                SplittableRandom r = new SplittableRandom(SEED + h);
                int in = 24;
                int steps = 6;
                float[] inputs = random(steps * in, r);
                float[] s0 = random(h, r);
                float[] window = null;
                for (MathKernels k : new MathKernels[] {serial, two}) {
                    ElmanCell cell = new ElmanCell(in, h, act, Initialization.UNIFORM, 1.0, SEED, k);
                    float[] w = new float[steps * h];
                    cell.forward(1, steps, inputs, s0, w, new float[h], cell.newWorkspace(1, steps));
                    window = window == null ? w : window;
                    assertArrayEquals(window, w, "window, " + act + ", " + k.name() + ", h=" + h + " (seed " + SEED + ")");
                    assertArrayEquals(window, tokenByToken(cell, inputs, s0, steps),
                            "token by token, " + act + ", " + k.name() + ", h=" + h + " (seed " + SEED + ")");
                }
            }
            }
        }
    }

    /** L = Σ g·h(1) for one token; every gradient of the single-token path against central differences. */
    @Test
    void singleTokenGradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(SEED);
        int in = 5;
        int h = 7;
        ElmanCell cell = new ElmanCell(in, h, Activation.TANH, Initialization.UNIFORM, 1.0, SEED, Kernels.get());
        float[] x = random(in, r);
        float[] s0 = random(h, r);
        float[] g = random(h, r);
        CellWorkspace ws = cell.newWorkspace(1, 1);
        cell.forward(1, 1, x, s0, new float[h], new float[h], ws);
        float[] dx = new float[in];
        float[] ds0 = new float[h];
        cell.backward(1, 1, g, null, dx, ds0, ws);
        for (var p : cell.parameters()) {
            float[] v = p.value();
            for (int i = 0; i < v.length; i++) {
                float keep = v[i];
                v[i] = keep + 1e-2f;
                double up = loss(cell, x, s0, g);
                v[i] = keep - 1e-2f;
                double down = loss(cell, x, s0, g);
                v[i] = keep;
                assertEquals((up - down) / 2e-2, p.grad()[i], 2e-3, p.name() + "[" + i + "] (seed " + SEED + ")");
            }
        }
        checkInput(cell, x, s0, g, x, dx, "x");
        checkInput(cell, x, s0, g, s0, ds0, "h0");
    }

    static void checkInput(ElmanCell cell, float[] x, float[] s0, float[] g, float[] wrt, float[] grad, String name) {
        for (int i = 0; i < wrt.length; i++) {
            float keep = wrt[i];
            wrt[i] = keep + 1e-2f;
            double up = loss(cell, x, s0, g);
            wrt[i] = keep - 1e-2f;
            double down = loss(cell, x, s0, g);
            wrt[i] = keep;
            assertEquals((up - down) / 2e-2, grad[i], 2e-3, name + "[" + i + "] (seed " + SEED + ")");
        }
    }

    static double loss(ElmanCell cell, float[] x, float[] s0, float[] g) {
        int h = cell.hiddenSize();
        float[] out = new float[h];
        cell.forward(1, 1, x, s0, out, new float[h], cell.newWorkspace(1, 1));
        double l = 0;
        for (int i = 0; i < h; i++) {
            l += (double) g[i] * out[i];
        }
        return l;
    }
}
