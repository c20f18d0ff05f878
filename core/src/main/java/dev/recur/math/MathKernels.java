package dev.recur.math;

/**
 * The numeric kernels recur's models are built from, over {@code float[]} arrays with explicit offsets and
 * leading dimensions (row-major storage throughout).
 *
 * <p>Two implementations exist: {@link ScalarKernels}, the readable reference, and a Vector API
 * implementation. {@link Kernels#get()} chooses one once per JVM. All implementations must agree with the
 * scalar reference up to floating-point reassociation.
 *
 * <p>Ownership: a kernel never keeps a reference to an array it was given, never allocates on its hot path
 * and writes only the output ranges named in its contract. Arguments are not range-checked beyond what the
 * JVM does; callers validate shapes.
 */
public interface MathKernels {

    /** A short name for logs and {@code recur info}: "scalar" or "vector(...)" */
    String name();

    /**
     * C[m×n] = A[m×k]·B[k×n] (or {@code +=} when {@code accumulate}).
     */
    void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * C[m×n] = Aᵀ·B where A is stored as [k×m] and B as [k×n] (or {@code +=}).
     */
    void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * C[m×n] = A·Bᵀ where A is stored as [m×k] and B as [n×k] (or {@code +=}).
     */
    void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * out[j][i] = A[i][j] for A [rows × cols] (leading dimension lda) into out [cols × rows] (leading dimension
     * ldo): lets a cell turn the A·Bᵀ of a per-step loop into A·B on a matrix transposed once per window.
     * Pure data movement, so every implementation gives identical results; this one walks 16 × 16 blocks.
     */
    default void transpose(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff, int ldo) {
        final int blk = 16;
        for (int i0 = 0; i0 < rows; i0 += blk) {
            int i1 = Math.min(rows, i0 + blk);
            for (int j0 = 0; j0 < cols; j0 += blk) {
                int j1 = Math.min(cols, j0 + blk);
                for (int i = i0; i < i1; i++) {
                    int ai = aOff + i * lda;
                    for (int j = j0; j < j1; j++) {
                        out[outOff + j * ldo + i] = a[ai + j];
                    }
                }
            }
        }
    }

    /** y[m] = A[m×n]·x[n] (or {@code +=}). */
    void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff,
              boolean accumulate);

    /** y += α·x over n elements. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** x *= α over n elements. */
    void scale(int n, float alpha, float[] x, int xOff);

    /** Σ x² over n elements, accumulated in double. */
    double sumOfSquares(int n, float[] x, int xOff);

    /** out[i] = a[i]·b[i] over n elements ({@code out} may alias a or b). */
    void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /**
     * y = σ(x) and, when {@code d != null}, d = σ'(x), over n elements. {@code y} may alias {@code x}.
     */
    void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff);

    /**
     * One forward step of an Elman-style recurrence: C[m×n] = A·B (or {@code +=}) as {@link #gemmNN}, then
     * y = σ(C) and, when {@code d != null}, d = σ'(C) over the same m × n block (y and d with leading
     * dimension ldc; y may alias C). The same bits as the two calls one after the other (activations are
     * element-wise and position-independent); implementations may fuse them, e.g. so that each thread
     * activates the columns it computed while they are still in its cache.
     */
    default void gemmNNActivate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, Activation act, float[] y, int yOff,
                                float[] d, int dOff) {
        gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        activateBlock(m, n, ldc, act, c, cOff, y, yOff, d, dOff);
    }

    /** {@link #activate} over an m × n block whose rows are ld apart (in x, y and d alike). */
    default void activateBlock(int m, int n, int ld, Activation act, float[] x, int xOff, float[] y, int yOff, float[] d,
                               int dOff) {
        if (ld == n) {
            activate(act, m * n, x, xOff, y, yOff, d, dOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            activate(act, n, x, xOff + i * ld, y, yOff + i * ld, d, d == null ? 0 : dOff + i * ld);
        }
    }

    /**
     * One backward step of an Elman-style recurrence: C[m×n] = A·B (overwritten) as {@link #gemmNN}, then
     * e = (C + g) ⊙ s element-wise over the same block (g, s and e with leading dimension ldc): the gradient
     * dh(t−1) = dpre(t)·W_hᵀ followed by dpre(t−1) = (dh(t−1) + dOut(t−1)) ⊙ σ'(pre(t−1)). The same bits as
     * {@link #gemmNN}, {@link #axpy} with α = 1 and {@link #multiply} one after the other.
     */
    default void gemmNNAddMultiply(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float[] c, int cOff, int ldc, float[] g, int gOff, float[] s, int sOff, float[] e,
                                   int eOff) {
        gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false);
        addMultiplyBlock(m, n, ldc, c, cOff, g, gOff, s, sOff, e, eOff);
    }

    /** c += g, then e = c ⊙ s, over an m × n block whose rows are ld apart in every array. */
    default void addMultiplyBlock(int m, int n, int ld, float[] c, int cOff, float[] g, int gOff, float[] s, int sOff,
                                  float[] e, int eOff) {
        if (ld == n) {
            axpy(m * n, 1f, g, gOff, c, cOff);
            multiply(m * n, c, cOff, s, sOff, e, eOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            axpy(n, 1f, g, gOff + i * ld, c, cOff + i * ld);
            multiply(n, c, cOff + i * ld, s, sOff + i * ld, e, eOff + i * ld);
        }
    }

    /** Work over a range of output columns, see {@link #forColumns}. */
    @FunctionalInterface
    interface ColumnTask {
        /**
         * Does the work for columns [j0, j1) with {@code kernels}: serial kernels (a part never splits further),
         * possibly on a pool thread. Must touch only what belongs to those columns.
         */
        void run(int j0, int j1, MathKernels kernels);
    }

    /**
     * Runs {@code task} over the columns [0, n) of products with {@code rows} rows, possibly split into
     * ranges that run in parallel (aligned for the kernels that suit that many rows); {@code flops} estimates
     * the work, for the decision whether splitting pays. Lets a caller fuse several column-wise steps (two
     * products, a bias, an activation) into one parallel region with one synchronisation. Products split by
     * columns give the same bits as unsplit ones. This default runs {@code task.run(0, n, this)}.
     */
    default void forColumns(int rows, int n, long flops, ColumnTask task) {
        task.run(0, n, this);
    }

    /** Each of the {@code rows} rows of C (leading dimension ldc) += v[0..cols). */
    void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc);

    /** out[0..cols) += Σ over rows of A (leading dimension lda). */
    void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff);

    /**
     * Fused softmax + cross-entropy over {@code rows} rows of logits (leading dimension ld), with targets
     * {@code targets[tOff + r]}. Returns Σ_r −log softmax(row r)[target r] in double.
     *
     * <p>When {@code gradScale != 0}, each row is OVERWRITTEN with its gradient
     * {@code gradScale·(softmax(row) − onehot(target))}; otherwise the logits are left untouched.
     */
    double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets, int tOff,
                               float gradScale);

    /** out = softmax(x / temperature) over n elements; returns nothing, out may alias x. */
    void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff);
}
