package dev.recur.cells;

/** Initialisation and product helpers of the gated cells. */
final class GateMath {

    private GateMath() {
    }

    static void uniform(float[] a, double range, java.util.SplittableRandom r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
    }

    /** Products of at most this many rows read the packed weights when a cell has them (generation, batch 1). */
    static final int PACKED_MAX_ROWS = 4;

    /**
     * C (+)= A[m × k]·W: from the packed copy when there is one and m is small, else from W's fp32 values (equal
     * to what the packed copy stands for).
     */
    static void product(dev.recur.math.MathKernels kernels, int m, int n, int k, float[] a, int aOff, int lda,
                        dev.recur.spi.Parameter w, dev.recur.math.PackedWeights packed, float[] c, int cOff, int ldc,
                        boolean accumulate) {
        product(kernels, m, n, k, a, aOff, lda, w, packed, 0, c, cOff, ldc, accumulate);
    }

    /**
     * C (+)= A[m × k]·W[:, col .. col + n): columns of W (a k × W.cols() matrix), from the packed copy when
     * there is one and m is small. Each element of C is the same FMA chain as in the product over all of W's
     * columns, so products over column ranges (one per gate, one range of units per thread) give its bits.
     */
    static void product(dev.recur.math.MathKernels kernels, int m, int n, int k, float[] a, int aOff, int lda,
                        dev.recur.spi.Parameter w, dev.recur.math.PackedWeights packed, int col, float[] c, int cOff,
                        int ldc, boolean accumulate) {
        if (packed != null && m <= PACKED_MAX_ROWS) {
            kernels.gemmPacked(m, n, k, a, aOff, lda, packed, col, c, cOff, ldc, accumulate);
        } else {
            kernels.gemmNN(m, n, k, a, aOff, lda, w.value(), col, w.cols(), c, cOff, ldc, accumulate);
        }
    }
}
