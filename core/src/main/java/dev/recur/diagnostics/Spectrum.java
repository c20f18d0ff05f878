package dev.recur.diagnostics;

import dev.recur.math.MathKernels;
import java.util.SplittableRandom;

/**
 * JDK-only spectral facts about a square matrix W (row-major n×n): the spectral radius by repeated
 * multiplication (Gelfand: ρ = lim ‖Wᵏx‖^{1/k}, robust to complex dominant pairs), and the Frobenius RMS
 * ‖Wˡ‖_F/√n for l = 0..L — the prediction of the Jacobian-product norm of a linear (identity σ) RNN.
 */
public final class Spectrum {

    private Spectrum() {
    }

    /**
     * The spectral radius, from {@code iterations} products with a random start vector (seeded).
     *
     * @param w the matrix [n × n], row-major
     * @param n its size
     * @param iterations power iterations
     * @param seed the seed
     * @return the estimate of max |λ|
     */
    public static double spectralRadius(float[] w, int n, int iterations, long seed) {
        double[] x = new double[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() - 0.5;
        }
        normalize(x);
        double[] y = new double[n];
        double logSum = 0;
        int counted = 0;
        for (int it = 0; it < iterations; it++) {
            // y = x · W (row vector convention; W and Wᵀ share their spectrum)
            java.util.Arrays.fill(y, 0);
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                if (xi == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    y[j] += xi * w[i * n + j];
                }
            }
            double norm = normalize(y);
            if (norm == 0) {
                return 0;
            }
            if (it >= iterations / 2) {
                logSum += Math.log(norm);
                counted++;
            }
            double[] t = x;
            x = y;
            y = t;
        }
        return Math.exp(logSum / counted);
    }

    private static double normalize(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        double norm = Math.sqrt(s);
        if (norm > 0) {
            for (int i = 0; i < x.length; i++) {
                x[i] /= norm;
            }
        }
        return norm;
    }

    /**
     * ‖Wˡ‖_F / √n for l = 0..maxPower.
     *
     * @param w the matrix [n × n], row-major
     * @param n its size
     * @param maxPower the largest power
     * @param k the kernels to multiply with
     * @return ‖Wˡ‖ for l = 0..maxPower
     */
    public static double[] powerNorms(float[] w, int n, int maxPower, MathKernels k) {
        double[] out = new double[maxPower + 1];
        float[] p = new float[n * n];
        float[] q = new float[n * n];
        for (int i = 0; i < n; i++) {
            p[i * n + i] = 1f;
        }
        double root = Math.sqrt(n);
        for (int l = 0; l <= maxPower; l++) {
            out[l] = Math.sqrt(k.sumOfSquares(n * n, p, 0)) / root;
            if (l < maxPower) {
                k.gemmNN(n, n, n, p, 0, n, w, 0, n, q, 0, n, false);
                float[] t = p;
                p = q;
                q = t;
            }
        }
        return out;
    }
}
