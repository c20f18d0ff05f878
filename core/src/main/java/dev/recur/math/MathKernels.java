package dev.recur.math;

/**
 * The numeric kernels recur's models are built from, over {@code float[]} arrays with explicit offsets and
 * leading dimensions (row-major storage throughout).
 *
 * <p>Two implementations exist: a scalar one, the readable reference, and a Vector API
 * implementation. {@link Kernels#get()} chooses one once per JVM. All implementations must agree with the
 * scalar reference up to floating-point reassociation.
 *
 * <p>Ownership: a kernel never keeps a reference to an array it was given, never allocates on its hot path
 * and writes only the output ranges named in its contract. Arguments are not range-checked beyond what the
 * JVM does; callers validate shapes.
 */
public interface MathKernels {

    /**
     * A short name for logs and {@code recur info}: "scalar" or "vector(...)"
     *
     * @return the name
     */
    String name();

    /**
     * C[m×n] = A[m×k]·B[k×n] (or {@code +=} when {@code accumulate}).
     *
     * @param m rows of C (and of the op(A) operand)
     * @param n columns of C (and of B)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param b the array holding B
     * @param bOff index of B's first element in {@code b}
     * @param ldb leading dimension of B
     * @param c the array holding C
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     * @param accumulate add into C instead of overwriting it
     */
    void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * C[m×n] = Aᵀ·B where A is stored as [k×m] and B as [k×n] (or {@code +=}).
     *
     * @param m rows of C (and of the op(A) operand)
     * @param n columns of C (and of B)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param b the array holding B
     * @param bOff index of B's first element in {@code b}
     * @param ldb leading dimension of B
     * @param c the array holding C
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     * @param accumulate add into C instead of overwriting it
     */
    void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * C[m×n] = A·Bᵀ where A is stored as [m×k] and B as [n×k] (or {@code +=}).
     *
     * @param m rows of C (and of the op(A) operand)
     * @param n columns of C (rows of B as stored)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param b the array holding B
     * @param bOff index of B's first element in {@code b}
     * @param ldb leading dimension of B
     * @param c the array holding C
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     * @param accumulate add into C instead of overwriting it
     */
    void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * out[j][i] = A[i][j] for A [rows × cols] (leading dimension lda) into out [cols × rows] (leading dimension
     * ldo): lets a cell turn the A·Bᵀ of a per-step loop into A·B on a matrix transposed once per window.
     * Pure data movement, so every implementation gives identical results; this one walks 16 × 16 blocks.
     *
     * @param rows rows of A
     * @param cols columns of A
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param out the array for Aᵀ
     * @param outOff index of Aᵀ's first element
     * @param ldo leading dimension of Aᵀ
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

    /**
     * y[m] = A[m×n]·x[n] (or {@code +=}).
     *
     * @param m rows of A (and elements of y)
     * @param n columns of A (and elements of x)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param x the vector x
     * @param xOff index of the first input element
     * @param y the vector y
     * @param yOff index of the first output element
     * @param accumulate add into y instead of overwriting it
     */
    void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff,
              boolean accumulate);

    /**
     * y += α·x over n elements.
     *
     * @param n number of elements
     * @param alpha the factor α
     * @param x the array holding x
     * @param xOff index of the first input element
     * @param y the array holding y (updated)
     * @param yOff index of the first output element
     */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /**
     * x *= α over n elements.
     *
     * @param n number of elements
     * @param alpha the factor α
     * @param x the array holding x (updated)
     * @param xOff index of the first input element
     */
    void scale(int n, float alpha, float[] x, int xOff);

    /**
     * Σ x² over n elements, accumulated in double.
     *
     * @param n number of elements
     * @param x the array holding x
     * @param xOff index of the first input element
     * @return the sum
     */
    double sumOfSquares(int n, float[] x, int xOff);

    /**
     * out[i] = a[i]·b[i] over n elements ({@code out} may alias a or b).
     *
     * @param n number of elements
     * @param a the first factor's array
     * @param aOff index of its first element
     * @param b the second factor's array
     * @param bOff index of its first element
     * @param out the output array
     * @param outOff index of the first output element
     */
    void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /**
     * y = σ(x) and, when {@code d != null}, d = σ'(x), over n elements. {@code y} may alias {@code x}.
     *
     * @param act the activation σ
     * @param n number of elements
     * @param x the input array
     * @param xOff index of the first input element
     * @param y the output array
     * @param yOff index of the first output element
     * @param d the array for σ'(x), or null when not wanted
     * @param dOff index of dInput's first element
     */
    void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff);

    /**
     * One forward step of an Elman-style recurrence: C[m×n] = A·B (or {@code +=}) as {@link #gemmNN}, then
     * y = σ(C) and, when {@code d != null}, d = σ'(C) over the same m × n block (y and d with leading
     * dimension ldc; y may alias C). The same bits as the two calls one after the other (activations are
     * element-wise and position-independent); implementations may fuse them, e.g. so that each thread
     * activates the columns it computed while they are still in its cache.
     *
     * @param m rows of C (and of the op(A) operand)
     * @param n columns of C (and of B)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param b the array holding B
     * @param bOff index of B's first element in {@code b}
     * @param ldb leading dimension of B
     * @param c the array holding C
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     * @param accumulate add into C instead of overwriting it
     * @param act the activation σ
     * @param y where σ(C) goes (may be {@code c})
     * @param yOff index of the first element of σ(C)
     * @param d the array for σ'(x), or null when not wanted
     * @param dOff index of dInput's first element
     */
    default void gemmNNActivate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, Activation act, float[] y, int yOff,
                                float[] d, int dOff) {
        gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        activateBlock(m, n, ldc, act, c, cOff, y, yOff, d, dOff);
    }

    /**
     * {@link #activate} over an m × n block whose rows are ld apart (in x, y and d alike).
     *
     * @param m rows of the block
     * @param n columns of the block
     * @param ld leading dimension of every block
     * @param act the activation σ
     * @param x the input array
     * @param xOff index of the first input element
     * @param y the output array
     * @param yOff index of the first output element
     * @param d the array for σ'(x), or null when not wanted
     * @param dOff index of dInput's first element
     */
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
     *
     * @param m rows of C (and of the op(A) operand)
     * @param n columns of C (and of B)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param b the array holding B
     * @param bOff index of B's first element in {@code b}
     * @param ldb leading dimension of B
     * @param c the array holding C
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     * @param g the array holding the added block g
     * @param gOff index of g's first element
     * @param s the array holding the multiplier s
     * @param sOff index of s's first element
     * @param e the array for the result e
     * @param eOff index of e's first element
     */
    default void gemmNNAddMultiply(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float[] c, int cOff, int ldc, float[] g, int gOff, float[] s, int sOff, float[] e,
                                   int eOff) {
        gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false);
        addMultiplyBlock(m, n, ldc, c, cOff, g, gOff, s, sOff, e, eOff);
    }

    /**
     * c += g, then e = c ⊙ s, over an m × n block whose rows are ld apart in every array.
     *
     * @param m rows of the block
     * @param n columns of the block
     * @param ld leading dimension of every block
     * @param c the array holding c (updated)
     * @param cOff index of c's first element
     * @param g the array holding g
     * @param gOff index of g's first element
     * @param s the array holding s
     * @param sOff index of s's first element
     * @param e the array for e (may be {@code c})
     * @param eOff index of e's first element
     */
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

    /**
     * Prepares B [k × n] for many products A·B (see {@link PreparedMatrix}): the recurrent weights, once per
     * window. This default keeps B as it is.
     *
     * @param k rows of B
     * @param n columns of B
     * @param b the array holding B
     * @param bOff index of B[0][0]
     * @param ldb distance between rows of B
     * @param reuse a matrix this kernel prepared before (its storage is reused when the shape matches), or null
     * @return B prepared
     */
    default PreparedMatrix prepare(int k, int n, float[] b, int bOff, int ldb, PreparedMatrix reuse) {
        return PreparedMatrix.plain(k, n, b, bOff, ldb, reuse);
    }

    /**
     * C[m × n] (+)= A[m × k]·B[:, bCol .. bCol+n) with B prepared by {@link #prepare}: the same bits as
     * {@link #gemmNN(int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean)} with B
     * itself. Ranges starting at a multiple of 48 columns read the kernels' layout; others read B as it is.
     *
     * @param m rows of A and C
     * @param n columns of C (a range of B's columns)
     * @param k columns of A, rows of B
     * @param a A, row-major
     * @param aOff index of A[0][0]
     * @param lda distance between rows of A
     * @param b B, prepared
     * @param bCol the first column of B
     * @param c C, row-major
     * @param cOff index of C[0][0]
     * @param ldc distance between rows of C
     * @param accumulate add into C instead of overwriting it
     */
    default void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, PreparedMatrix b, int bCol, float[] c,
                        int cOff, int ldc, boolean accumulate) {
        checkPrepared(n, k, b, bCol);
        gemmNN(m, n, k, a, aOff, lda, b.source(), b.offset() + bCol, b.ld(), c, cOff, ldc, accumulate);
    }

    /**
     * Checks a product with a prepared matrix.
     *
     * @param n columns of the product
     * @param k its summation length
     * @param b the prepared matrix
     * @param bCol its first column
     */
    static void checkPrepared(int n, int k, PreparedMatrix b, int bCol) {
        if (k != b.rows() || bCol < 0 || n < 0 || bCol + n > b.cols()) {
            throw new IllegalArgumentException("prepared product out of shape: k=" + k + ", columns [" + bCol + ", "
                    + (bCol + n) + ") of a " + b.rows() + " x " + b.cols() + " matrix");
        }
    }

    /**
     * C[m × n] (+)= A[m × k]·B[:, bCol .. bCol+n) with B in reduced precision ({@link PackedWeights}, k = its
     * rows): the product of generation and scoring, whose speed is the speed at which B streams. Each element is
     * one sum over ascending p of a·q (int8: times the column's scale at the end; bf16: the widened weight) —
     * this default is that definition, element by element, and the reference the fast kernels are tested
     * against. Not split by {@link #forColumns}-style wrappers: callers split by columns themselves.
     *
     * @param m rows of A and C
     * @param n columns of C (a range of B's columns)
     * @param k columns of A, rows of B
     * @param a A, row-major
     * @param aOff index of A[0][0]
     * @param lda distance between rows of A
     * @param b the packed matrix B
     * @param bCol the first column of B
     * @param c C, row-major
     * @param cOff index of C[0][0]
     * @param ldc distance between rows of C
     * @param accumulate add into C instead of overwriting it
     */
    default void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, PackedWeights b, int bCol, float[] c,
                            int cOff, int ldc, boolean accumulate) {
        checkPacked(n, k, b, bCol);
        int cols = b.cols();
        byte[] q = b.int8();
        float[] s = b.scales();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int col = bCol + j;
                float sum = 0f;
                if (q != null) {
                    for (int p = 0; p < k; p++) {
                        sum = Math.fma(a[aOff + i * lda + p], (float) q[p * cols + col], sum);
                    }
                    sum *= s[col];
                } else {
                    for (int p = 0; p < k; p++) {
                        sum = Math.fma(a[aOff + i * lda + p], b.get(p, col), sum);
                    }
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }

    /**
     * Checks the shape arguments of {@link #gemmPacked}.
     *
     * @param n columns of C
     * @param k rows of B
     * @param b the packed matrix
     * @param bCol its first column
     */
    static void checkPacked(int n, int k, PackedWeights b, int bCol) {
        if (k != b.rows() || bCol < 0 || n < 0 || bCol + n > b.cols()) {
            throw new IllegalArgumentException("packed product out of shape: k=" + k + ", columns [" + bCol + ", "
                    + (bCol + n) + ") of a " + b.rows() + " x " + b.cols() + " matrix");
        }
    }

    /** Work over a range of output columns, see {@link #forColumns}. */
    @FunctionalInterface
    interface ColumnTask {
        /**
         * Does the work for columns [j0, j1) with {@code kernels}: serial kernels (a part never splits further),
         * possibly on a pool thread. Must touch only what belongs to those columns.
         *
         * @param j0 the first column
         * @param j1 one past the last column
         * @param kernels serial kernels to compute with
         */
        void run(int j0, int j1, MathKernels kernels);
    }

    /**
     * Runs {@code task} over the columns [0, n) of products with {@code rows} rows, possibly split into
     * ranges that run in parallel (aligned for the kernels that suit that many rows); {@code flops} estimates
     * the work, for the decision whether splitting pays. Lets a caller fuse several column-wise steps (two
     * products, a bias, an activation) into one parallel region with one synchronisation. Products split by
     * columns give the same bits as unsplit ones. This default runs {@code task.run(0, n, this)}.
     *
     * @param rows rows of the products the task computes (chooses the column alignment)
     * @param n the number of columns
     * @param flops an estimate of the work, to decide whether splitting pays
     * @param task the work for a range of columns
     */
    default void forColumns(int rows, int n, long flops, ColumnTask task) {
        task.run(0, n, this);
    }

    /**
     * Each of the {@code rows} rows of C (leading dimension ldc) += v[0..cols).
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param v the array holding the row vector
     * @param vOff index of its first element
     * @param c the array holding C (updated)
     * @param cOff index of C's first element in {@code c}
     * @param ldc leading dimension of C
     */
    void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc);

    /**
     * out[0..cols) += Σ over rows of A (leading dimension lda).
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param a the array holding A
     * @param aOff index of A's first element in {@code a}
     * @param lda leading dimension of A (elements between rows as stored)
     * @param out the array holding the sums (added to)
     * @param outOff index of the first sum
     */
    void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff);

    /**
     * Fused softmax + cross-entropy over {@code rows} rows of logits (leading dimension ld), with targets
     * {@code targets[tOff + r]}. Returns Σ_r −log softmax(row r)[target r] in double.
     *
     * <p>When {@code gradScale != 0}, each row is OVERWRITTEN with its gradient
     * {@code gradScale·(softmax(row) − onehot(target))}; otherwise the logits are left untouched.
     *
     * @param rows number of rows
     * @param cols the vocabulary size (columns per row)
     * @param logits the logits (overwritten with the gradient when gradScale ≠ 0)
     * @param off index of the first row's first logit
     * @param ld leading dimension of the logits
     * @param targets the target ids
     * @param tOff index of the first row's target
     * @param gradScale the gradient's scale (0: no gradient)
     * @return the summed cross-entropy in nats
     */
    double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets, int tOff,
                               float gradScale);

    /**
     * out = softmax(x / temperature) over n elements; returns nothing, out may alias x.
     *
     * @param n number of elements
     * @param x the input array
     * @param xOff index of the first input element
     * @param temperature the temperature T (> 0)
     * @param out the output array
     * @param outOff index of the first output element
     */
    void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff);
}
