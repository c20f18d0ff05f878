package dev.recur.cells;

/** Initialisation helper of the gated cells. */
final class GateMath {

    private GateMath() {
    }

    static void uniform(float[] a, double range, java.util.SplittableRandom r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
    }
}
