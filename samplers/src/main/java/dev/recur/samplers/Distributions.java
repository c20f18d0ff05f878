package dev.recur.samplers;

import java.util.random.RandomGenerator;

/** Shared helpers: tempered softmax into a scratch buffer and inverse-CDF draws. */
final class Distributions {

    private Distributions() {
    }

    static void checkTemperature(double t) {
        if (!(t > 0) || !Double.isFinite(t)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0, got " + t);
        }
    }

    /**
     * Writes exp((logits[idx[i]] − max)/T) for i &lt; n into {@code out} and returns their sum (unnormalised
     * weights of a tempered softmax restricted to the given indices).
     */
    static double weights(float[] logits, int off, int[] idx, int n, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + idx[i]]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp((logits[off + idx[i]] - max) / temperature);
            out[i] = w;
            sum += w;
        }
        return sum;
    }

    /** Writes exp((logits[i] − max)/T) for every i &lt; vocab into {@code out}; returns their sum. */
    static double weightsAll(float[] logits, int off, int vocab, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double e = Math.exp((logits[off + i] - max) / temperature);
            out[i] = e;
            sum += e;
        }
        return sum;
    }

    /** Index i &lt; n drawn with probability w[i]/sum. */
    static int draw(double[] w, int n, double sum, RandomGenerator random) {
        double u = random.nextDouble() * sum;
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += w[i];
            if (u < c) {
                return i;
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            if (w[i] > 0) {
                return i; // rounding at the very end of the CDF
            }
        }
        return n - 1;
    }

    static void checkLogits(float[] logits, int off, int vocab) {
        if (vocab < 1 || off < 0 || off + vocab > logits.length) {
            throw new IllegalArgumentException("logits[" + off + " .. " + (off + vocab) + ") outside an array of "
                    + logits.length);
        }
    }
}
