package dev.recur.cells;

import dev.recur.model.ModelWorkspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.diagnostics.GradientFlow;
import dev.recur.diagnostics.GradientProbe;
import dev.recur.diagnostics.Spectrum;
import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.text.CorpusException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The gradient-flow probe against finite differences, and against the eigenvalue prediction for identity σ. */
class GradientProbeTest {

    static final long SEED = 31L;

    static int[] tokens(int n, int v, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(v);
        }
        return t;
    }

    /**
     * ‖∂J_t/∂h(t−l)‖ by central differences on the state h(t−l) fed into the remaining l steps, with J_t the
     * loss at the last position only (whole loss of the l steps minus that of the first l−1). ε = 1e-2 in
     * float; tolerance 2% of the norm (see GradientCheck for the error budget).
     */
    @Test
    void probeMatchesFiniteDifferencesForSmallDistances() {
        int v = 9, e = 4, h = 6;
        RnnLanguageModel m = new RnnLanguageModel(v, e,
                new ElmanCell(e, h, Activation.TANH, Initialization.UNIFORM, 2.0, SEED, Kernels.get()), SEED, Kernels.get());
        int[] toks = tokens(12, v, SEED);
        int maxL = 4;
        GradientFlow flow = GradientProbe.probe(m, toks, maxL, 1, 1);
        // the probe's window: positions 0..W-1 with W = min(len-1, L+1) = 5, t = W-1 = 4
        int window = Math.min(toks.length - 1, maxL + 1);
        int t = window - 1;
        ModelWorkspace ws = m.newWorkspace(1, window);
        int[] in = java.util.Arrays.copyOfRange(toks, 0, window);
        int[] tgt = java.util.Arrays.copyOfRange(toks, 1, window + 1);
        float[] s0 = m.newState(1);
        m.advance(ws, window, in, s0, s0);
        float[] hs = ws.hiddenOutputs().clone();
        for (int l = 1; l <= maxL; l++) {
            float[] state = java.util.Arrays.copyOfRange(hs, (t - l) * h, (t - l + 1) * h);
            int[] sin = java.util.Arrays.copyOfRange(in, t - l + 1, t + 1);
            int[] stg = java.util.Arrays.copyOfRange(tgt, t - l + 1, t + 1);
            final int steps = l;
            ModelWorkspace w2 = m.newWorkspace(1, steps);
            float[] sink = m.newState(1);
            java.util.function.DoubleSupplier jt = () -> m.evaluateWindow(w2, steps, sin, stg, state, sink)
                    - (steps == 1 ? 0 : m.evaluateWindow(w2, steps - 1, sin, stg, state, sink));
            double sq = 0;
            for (int i = 0; i < h; i++) {
                sq += Math.pow(dev.recur.testkit.GradientCheck.numeric(state, i, 1e-2f, jt), 2);
            }
            double fd = Math.sqrt(sq);
            assertEquals(fd, flow.lossGradient()[l], 0.02 * fd + 1e-4, "distance " + l + ", seed " + SEED);
        }
    }

    /** W = Q·diag(λ)·Qᵀ with a random orthogonal Q: symmetric, so ‖Wˡ‖_F = sqrt(Σ λᵢ^{2l}) exactly. */
    static float[] withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        SplittableRandom r = new SplittableRandom(seed);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = r.nextDouble() - 0.5;
            }
            for (int p = 0; p < i; p++) { // Gram-Schmidt
                double d = 0;
                for (int j = 0; j < n; j++) {
                    d += q[i][j] * q[p][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= d * q[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        float[] w = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) {
                    s += q[p][i] * lambda[p] * q[p][j];
                }
                w[i * n + j] = (float) s;
            }
        }
        return w;
    }

    @Test
    void identitySigmaDecaysLikeTheEigenvaluesPredict() {
        for (double top : new double[] {0.9, 1.05}) {
            int h = 16;
            double[] lambda = new double[h];
            SplittableRandom r = new SplittableRandom(SEED);
            lambda[0] = top;
            for (int i = 1; i < h; i++) {
                lambda[i] = (r.nextDouble() * 2 - 1) * 0.7;
            }
            ElmanCell cell = new ElmanCell(4, h, Activation.IDENTITY, Initialization.UNIFORM, 0.1, SEED, Kernels.get());
            System.arraycopy(withSpectrum(lambda, SEED), 0, cell.parameters().get(1).value(), 0, h * h);
            RnnLanguageModel m = new RnnLanguageModel(7, 4, cell, SEED, Kernels.get());
            int maxL = 60;
            GradientFlow flow = GradientProbe.probe(m, tokens(2000, 7, SEED), maxL, 2, 4);
            double[] predicted = Spectrum.powerNorms(cell.parameters().get(1).value(), h, maxL, Kernels.get());
            for (int l = 0; l <= maxL; l++) {
                double exact = 0;
                for (double x : lambda) {
                    exact += Math.pow(x, 2 * l);
                }
                exact = Math.sqrt(exact / h);
                // measured Jacobian product vs ‖W^l‖_F/√H: float products over 60 steps, 1e-3 relative
                assertEquals(exact, flow.jacobian()[l], 1e-3 * exact, "jacobian, l=" + l + ", lambda " + top);
                assertEquals(exact, predicted[l], 1e-3 * exact, "powerNorms, l=" + l);
            }
            double rho = Spectrum.spectralRadius(cell.parameters().get(1).value(), h, 400, SEED);
            assertEquals(top, rho, 1e-3, "spectral radius");
            // the loss gradient decays (or grows) like |λ_max|^l once the other modes have died out:
            // its log-slope over l in [30, 60] is log|λ_max| within 2%
            double slope = (Math.log(flow.lossGradient()[60]) - Math.log(flow.lossGradient()[30])) / 30;
            assertEquals(Math.log(top), slope, 0.02 * Math.abs(Math.log(top)) + 1e-3, "decay rate for lambda " + top);
        }
    }

    @Test
    void aCorpusShorterThanTheDistanceIsAClearError() {
        RnnLanguageModel m = new RnnLanguageModel(5, 3, new ElmanCell(3, 4, Activation.TANH, SEED), SEED, Kernels.get());
        CorpusException e = assertThrows(CorpusException.class, () -> GradientProbe.probe(m, tokens(30, 5, 1), 50, 1, 1));
        assertEquals("corpus is too short for --max-distance 50: it has 30 tokens, the probe needs at least 52 "
                + "(distance + 2)", e.getMessage());
        assertTrue(GradientProbe.probe(m, tokens(30, 5, 1), 10, 4, 3).positions() >= 1);
    }
}
