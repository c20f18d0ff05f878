package dev.recur.cells;

/** Scalar helpers of the gated cells. */
final class GateMath {

    private GateMath() {
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    static void uniform(float[] a, double range, java.util.SplittableRandom r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
    }
}
